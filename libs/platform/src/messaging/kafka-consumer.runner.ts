import { deadLetterTopic, type EventEnvelope, type Topic } from '@kinema/contracts';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { reportConsumerLag } from '../kafka-lag/consumer-lag';
import { fromKafkaMessage, MalformedEventError } from '../kafka/event-envelope.codec';
import { GroupMembership, LEAVE_STOP_MS, leftWithinBound } from '../kafka/group-membership';
import { retryWithBackoff } from '../kafka/retry-with-backoff';
import { WakeSignal } from '../kafka/wake-signal';
import { annotateActiveSpan } from '../telemetry/trace-context';

/** Handles one event inside the transaction that also records it as processed. */
export type EventHandler = (event: EventEnvelope, manager: EntityManager) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  topics: readonly Topic[];
  handle: EventHandler;
  /** Attempts before a message goes to `<topic>.dlq` (the rest of the partition then flows on). */
  maxAttempts?: number;
  /** Backoff between attempts: base * 2^(attempt-1). */
  retryBaseMs?: number;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

export interface ConsumerStatus {
  joined: boolean;
  lastError?: string;
  handled: number;
  duplicates: number;
  deadLettered: number;
}

const DLQ_ERROR_HEADER = 'kinema_dlq_error';
const REJOIN_MAX_DELAY_MS = 15_000;

/**
 * A consumer group member that processes each event at most once per group: the event id is
 * stored in `processed_events` in the same transaction as the handler's writes, and the offset is
 * committed only after that transaction. Failures are retried a bounded number of times, then
 * the message goes to the topic's dead-letter twin with the error. Joins in the background,
 * retrying while Kafka is unreachable.
 */
export class KafkaConsumerRunner {
  private readonly consumer: Consumer;
  private readonly signal = new WakeSignal();
  private running: Promise<void> | undefined;
  private stopped = false;
  /** The pause before joining again after the last crash kafkajs did not restart from. */
  private rejoinDelayMs = 0;
  private readonly membership: GroupMembership;
  private readonly stopReportingLag: () => Promise<void>;
  readonly status: ConsumerStatus = { joined: false, handled: 0, duplicates: 0, deadLettered: 0 };

  constructor(
    kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly dlqProducer: Producer,
    private readonly options: ConsumerOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      // A leaving member first waits out its Fetch long poll (kafkajs' default is 5 s), which a
      // rolling restart pays on every replica; an idle poll a second costs the broker nothing.
      maxWaitTimeInMs: 1_000,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.membership = new GroupMembership(this.consumer);
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.status.joined = true));
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.status.joined = false;
      this.status.lastError = String(event.payload.error);
      // kafkajs restarts a consumer after a retriable error only; after any other it has left the
      // group for good and this replica would consume nothing until it is restarted.
      if (!event.payload.restart) this.rejoin();
    });
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, () => (this.rejoinDelayMs = 0));
    this.consumer.on(this.consumer.events.STOP, () => (this.status.joined = false));
    this.stopReportingLag = reportConsumerLag(
      kafka,
      options.groupId,
      options.topics,
      (options.fromBeginning ?? true) ? 'earliest' : 'latest',
    );
  }

  get groupId(): string {
    return this.options.groupId;
  }

  start(): void {
    this.running ??= this.connectLoop();
  }

  /** Leaves the group gracefully (partitions are reassigned at once, not after a session timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.wake();
    // A replica stopped during its first join (kafkajs's run() returns only once it has joined,
    // after the group's other members rebalance) stops at once, as does one whose broker went away
    // before it joined (GroupMembership); a connect that succeeds later finds it stopped.
    await this.membership.runLoopEnded(this.running);
    // Leaving waits for a rebalance under way to finish; offsets are committed after each event,
    // so past this bound the member is simply left for the broker to expire (nothing is lost).
    if (!(await leftWithinBound(Promise.all([this.disconnect(), this.stopReportingLag()]))))
      this.logger.warn(
        { group: this.options.groupId, boundMs: LEAVE_STOP_MS },
        'consumer: stopped before the broker answered its leaving; the broker expires the member',
      );
  }

  private async disconnect(): Promise<void> {
    await Promise.all([
      this.consumer.disconnect().catch(() => undefined),
      // The dead-letter producer's connection would otherwise keep the process alive.
      this.dlqProducer.disconnect().catch(() => undefined),
    ]);
  }

  /**
   * Joins again, as at start, after a crash kafkajs does not restart from: after a pause that
   * doubles with each such crash (from 500 ms to 15 s) until a batch is processed again, so an
   * error that repeats on every join does not spin.
   */
  private rejoin(): void {
    if (this.stopped) return;
    this.rejoinDelayMs = Math.min(REJOIN_MAX_DELAY_MS, this.rejoinDelayMs * 2 || 500);
    const delayMs = this.rejoinDelayMs;
    this.logger.warn(
      { group: this.options.groupId, err: this.status.lastError, retryInMs: delayMs },
      'consumer: stopped by an error kafkajs does not retry; joining again',
    );
    const previous = this.running;
    this.running = (async () => {
      await previous;
      await this.signal.wait(delayMs);
      if (!this.stopped) await this.connectLoop();
    })();
  }

  private async connectLoop(): Promise<void> {
    await retryWithBackoff(
      async () => {
        await this.dlqProducer.connect();
        await this.consumer.connect();
        if (this.stopped) return;
        await this.consumer.subscribe({
          topics: [...this.options.topics],
          fromBeginning: this.options.fromBeginning ?? true,
        });
        await this.consumer.run({
          autoCommit: false,
          eachMessage: (payload) => this.onMessage(payload),
        });
      },
      {
        signal: this.signal,
        isStopped: () => this.stopped,
        onFailure: async (error, retryInMs) => {
          this.status.lastError = error instanceof Error ? error.message : String(error);
          this.logger.warn(
            { group: this.options.groupId, err: this.status.lastError, retryInMs },
            'consumer: cannot join yet',
          );
          await this.consumer.disconnect().catch(() => undefined);
        },
      },
    );
    // Stopped while connecting: a stop that did not wait for the connect to end (the consumer had
    // never joined) disconnected before it; what connected since is let go here.
    if (this.stopped) await this.disconnect();
  }

  private async onMessage({
    topic,
    partition,
    message,
    heartbeat,
  }: EachMessagePayload): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const retryBaseMs = this.options.retryBaseMs ?? 200;
    // The kafkajs instrumentation's processing span, which knows the topic but not the group.
    const span = trace.getActiveSpan();
    span?.setAttribute('messaging.consumer.group.name', this.options.groupId);
    let event: EventEnvelope | undefined;
    let failure: unknown;
    try {
      event = fromKafkaMessage(message);
    } catch (error) {
      failure = error;
    }
    for (let attempt = 1; event && attempt <= maxAttempts; attempt++) {
      try {
        await this.handleOnce(event);
        failure = undefined;
        break;
      } catch (error) {
        failure = error;
        span?.addEvent('handler failed', { attempt, 'error.message': String(error) });
        this.logger.warn(
          { group: this.options.groupId, eventId: event.id, attempt, err: String(error) },
          'consumer: handler failed',
        );
        // Data the handler cannot read will not read better later: another attempt changes
        // nothing, and its backoff would hold up the rest of the partition (3 s over five tries).
        if (error instanceof MalformedEventError) break;
        if (attempt < maxAttempts) {
          await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
          await heartbeat();
        }
      }
    }
    if (failure !== undefined) {
      span?.setStatus({ code: SpanStatusCode.ERROR, message: 'sent to the dead-letter topic' });
      await this.deadLetter(topic as Topic, message, failure);
    }
    await this.consumer.commitOffsets([
      { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
    ]);
  }

  private async handleOnce(event: EventEnvelope): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO processed_events (consumer_group, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.groupId, event.id],
      );
      if (inserted.length === 0) {
        this.status.duplicates++;
        annotateActiveSpan('kinema.event.duplicate', true);
        return;
      }
      await this.options.handle(event, manager);
      this.status.handled++;
    });
  }

  private async deadLetter(
    topic: Topic,
    message: EachMessagePayload['message'],
    failure: unknown,
  ): Promise<void> {
    const reason =
      failure instanceof MalformedEventError || failure instanceof Error
        ? failure.message
        : String(failure);
    this.logger.error(
      { group: this.options.groupId, topic, offset: message.offset, err: reason },
      'consumer: sending message to the dead-letter topic',
    );
    await this.dlqProducer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DLQ_ERROR_HEADER]: reason.slice(0, 2_000),
            kinema_dlq_group: this.options.groupId,
          },
        },
      ],
    });
    this.status.deadLettered++;
  }
}
