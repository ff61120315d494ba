import type { EventEnvelope, Topic } from '@kinema/contracts';
import {
  fromKafkaMessage,
  GroupMembership,
  LEAVE_STOP_MS,
  leftWithinBound,
  retryWithBackoff,
  WakeSignal,
} from '@kinema/platform/kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export type EventListener = (event: EventEnvelope) => void | Promise<void>;

/** One thing this replica does with every event it reads (GatewayEventsModule lists them). */
export interface EventHandler {
  handle(event: EventEnvelope): void | Promise<void>;
}

/**
 * What a feed reports beyond its log: the serving feed's are `servingFeedInstruments`
 * (feed-instruments.ts). Passed in rather than imported here because the invalidation thread runs
 * this file too, in a V8 heap of its own, where prom-client and OpenTelemetry's API would cost
 * about 1.5 MiB for nothing (docs/performance.md, memory of the service processes).
 */
export interface FeedInstruments {
  /** Exports the group's consumer lag until the returned function is called. */
  reportLag(kafka: Kafka, groupId: string, topics: readonly Topic[]): () => Promise<void>;
  /** Names the group on the span the kafkajs instrumentation opened for the message in hand. */
  nameGroupOnSpan(groupId: string): void;
}

/**
 * How often the feed commits how far it has read. Not after every batch, as kafkajs's auto-commit
 * does: its fetch loop waits for that commit's round trip before it asks for the next events, so
 * under load every batch of other events delayed the next invalidation by a commit
 * (docs/resilience.md#across-gateway-replicas-rebalancing-and-staleness). A replica that rejoins
 * re-reads at most this much, which the feed drops as redelivered.
 */
export const FEED_COMMIT_INTERVAL_MS = 1_000;

/**
 * Every event of some topics, for this gateway replica alone. Each replica uses a consumer group
 * of its own (named after the pod), so every replica sees every event: that is how a broadcast
 * reaches clients on all replicas, and how each replica drops its cache entries. Kafka already
 * carries the events, so no Redis pub/sub is needed for fan-out. It starts at the latest offset:
 * a notification is news, and a missed invalidation is bounded by the cache TTL.
 *
 * Why a group per replica, deleted when the replica stops: neither alternative is open with
 * kafkajs. It has no assign() (a consumer always joins a group), and no static membership (its
 * consumer never sends a group.instance.id), while one group per Deployment would split the
 * partitions between replicas, which must each see every event. So the group lives exactly as
 * long as its replica: stop() leaves it and deletes it, and a rollout (new pod names) leaves no
 * group behind. Only a replica killed outright leaves one, which Kafka removes when its committed
 * offsets expire (offsets.retention.minutes). Committing is kept: a replica that rejoins (after a
 * broker restart, say) resumes where it was instead of skipping what came meanwhile, and the
 * group's lag is what the consumer-lag metric reads. That needs a committed offset on every
 * partition, events or not (see commitStartingPositions).
 */
export class GatewayEventFeed {
  private readonly consumer: Consumer;
  /** The next offset to read, per `topic:partition`, not yet committed. */
  private readonly uncommitted = new Map<
    string,
    { topic: string; partition: number; offset: string }
  >();
  private committing: NodeJS.Timeout | undefined;
  private readonly signal = new WakeSignal();
  private readonly recent = new Set<string>();
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly stopReportingLag: () => Promise<void>;
  private readonly joinedListeners: Array<(joined: boolean) => void> = [];
  private isJoined = false;
  private readonly membership: GroupMembership;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: readonly Topic[],
    private readonly listeners: EventListener[],
    private readonly logger: Logger,
    /** None for the invalidation thread's feed: the serving feed reports on the same events. */
    private readonly instruments?: FeedInstruments,
  ) {
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 200,
    });
    this.membership = new GroupMembership(this.consumer);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.setJoined(true);
      this.commitStartingPositions(payload.memberAssignment).catch((error: unknown) =>
        this.logger.warn({ err: String(error) }, 'event feed: starting positions not committed'),
      );
    });
    this.consumer.on(this.consumer.events.CRASH, () => this.setJoined(false));
    this.stopReportingLag =
      instruments?.reportLag(kafka, groupId, topics) ?? (async () => undefined);
  }

  /** Whether the consumer is in its group, i.e. events flow. */
  get joined(): boolean {
    return this.isJoined;
  }

  /** Tells `listener` whenever the consumer joins its group or drops out of it. */
  onJoinedChange(listener: (joined: boolean) => void): void {
    this.joinedListeners.push(listener);
  }

  private setJoined(joined: boolean): void {
    if (joined === this.isJoined) return;
    this.isJoined = joined;
    for (const listener of this.joinedListeners) listener(joined);
  }

  /** Adds a listener, told of every event after those given at construction. */
  listen(listener: EventListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.running ??= this.connectLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.wake();
    clearInterval(this.committing);
    if (!this.membership.everJoined) {
      // Never in its group (GroupMembership): nothing read to commit, and no group of its own to
      // delete (one it was still joining holds no offsets, and Kafka drops such a group once
      // empty), so no broker is asked for anything.
      await leftWithinBound(
        Promise.all([this.consumer.disconnect().catch(() => undefined), this.stopReportingLag()]),
      );
      return;
    }
    await this.membership.runLoopEnded(this.running);
    // Past the bound the group is left behind, as a killed replica's is: Kafka removes it once its
    // committed offsets expire.
    if (!(await leftWithinBound(this.leave())))
      this.logger.warn(
        { group: this.groupId, boundMs: LEAVE_STOP_MS },
        'event feed: stopped before the broker answered its leaving; the group is left to expire',
      );
  }

  /** Commits what was read, leaves the group and deletes it. */
  private async leave(): Promise<void> {
    await this.commitRead();
    await Promise.all([this.consumer.disconnect().catch(() => undefined), this.stopReportingLag()]);
    await this.deleteGroup();
  }

  /** Deletes this replica's group, now empty; nothing else will ever read it. */
  private async deleteGroup(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      // Kafka removes it anyway once its offsets expire; the stop goes on.
      this.logger.warn({ err: String(error), group: this.groupId }, 'event feed: group kept');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async connectLoop(): Promise<void> {
    await retryWithBackoff(
      async () => {
        await this.consumer.connect();
        if (this.stopped) return this.consumer.disconnect();
        await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: false });
        this.committing ??= setInterval(
          () => void this.commitRead(),
          FEED_COMMIT_INTERVAL_MS,
        ).unref();
        await this.consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            await this.deliver(message);
            const next = (BigInt(message.offset) + 1n).toString();
            this.uncommitted.set(`${topic}:${partition}`, { topic, partition, offset: next });
          },
        });
      },
      {
        signal: this.signal,
        isStopped: () => this.stopped,
        onFailure: async (error, retryInMs) => {
          this.logger.warn({ err: String(error), retryInMs }, 'event feed: cannot join yet');
          await this.consumer.disconnect().catch(() => undefined);
        },
      },
    );
  }

  /**
   * Commits where this replica starts on every assigned partition that has no committed offset
   * yet (its end, as a group new to it starts there). A partition without one is read from its
   * end again at every rejoin, so the events sent to it between a broker's return and the
   * consumer's rejoin were skipped: one in three title changes made during a broker outage never
   * reached a WebSocket client in the realtime e2e test.
   */
  private async commitStartingPositions(assignment: Record<string, number[]>): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = Object.keys(assignment);
      const committed = await admin.fetchOffsets({ groupId: this.groupId, topics });
      const positions: Array<{ topic: string; partition: number; offset: string }> = [];
      for (const { topic, partitions } of committed) {
        const missing = partitions.filter(
          (p) => p.offset === '-1' && assignment[topic]?.includes(p.partition),
        );
        if (missing.length === 0) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        for (const { partition } of missing) {
          const end = ends.find((candidate) => candidate.partition === partition);
          if (end) positions.push({ topic, partition, offset: end.high });
        }
      }
      if (positions.length > 0) await this.consumer.commitOffsets(positions);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Commits how far the feed has read; what fails to commit is tried again next time. */
  private async commitRead(): Promise<void> {
    if (this.uncommitted.size === 0) return;
    const positions = [...this.uncommitted.values()];
    this.uncommitted.clear();
    try {
      await this.consumer.commitOffsets(positions);
    } catch (error) {
      for (const position of positions) {
        const key = `${position.topic}:${position.partition}`;
        if (!this.uncommitted.has(key)) this.uncommitted.set(key, position);
      }
      this.logger.debug({ err: String(error) }, 'event feed: position not committed yet');
    }
  }

  private async deliver(message: Parameters<typeof fromKafkaMessage>[0]): Promise<void> {
    this.instruments?.nameGroupOnSpan(this.groupId);
    let event: EventEnvelope;
    try {
      event = fromKafkaMessage(message);
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'event feed: skipping a malformed event');
      return;
    }
    // Delivery is at least once; a redelivered event is dropped here (and carries its id for clients).
    if (this.recent.has(event.id)) return;
    this.recent.add(event.id);
    if (this.recent.size > 10_000) this.recent.delete(this.recent.values().next().value as string);
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.error({ err: String(error), eventId: event.id }, 'event feed: listener failed');
      }
    }
  }
}
