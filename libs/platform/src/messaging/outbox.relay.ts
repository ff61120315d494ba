import { randomUUID } from 'node:crypto';
import { CE_TRACING_HEADERS } from '@kinema/contracts';
import { ROOT_CONTEXT, SpanStatusCode, type Link, type Span } from '@opentelemetry/api';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { toKafkaMessage } from '../kafka/event-envelope.codec';
import { WakeSignal } from '../kafka/wake-signal';
import { FailureLog } from '../logging/failure-log';
import { linkFromHeaders } from '../telemetry/trace-context';
import { MESSAGING_TRACER } from './messaging-tracer';

/**
 * Rows per batch unless configured: a batch's span links to the change behind each of its rows,
 * and OpenTelemetry keeps at most 128 links per span by default (OTEL_SPAN_LINK_COUNT_LIMIT),
 * dropping the rest with a warning (200-row batches did so on every first start).
 */
export const OUTBOX_RELAY_BATCH_SIZE = 128;

/**
 * How often the lease holder looks for rows nobody woke it for while other replicas share the
 * lease: rows committed by another replica (only the writer's own relay is woken at commit). It
 * bounds how late such an event leaves, and so how long other gateway replicas serve a changed
 * title from their caches (docs/resilience.md, "Staleness"). One indexed read of the pending rows
 * per poll; replicas without the lease do not poll rows. A holder alone (one replica, as `npm
 * start` runs) is woken by its own commits and looks for anyone else's every `idleMs`: polling
 * every 25 ms for nobody cost each service and its database backend 2-3% of a core, idle.
 */
export const OUTBOX_RELAY_POLL_MS = 25;

/** How often a relay that is not polling fast checks the lease and looks for rows (idleMs). */
const OUTBOX_RELAY_IDLE_MS = 500;

/**
 * The producer a relay sends with. Idempotent with one request in flight: retries cannot reorder
 * or duplicate within a partition. Few retries (kafkajs warns about that) because the relay retries
 * the whole batch itself; a resend after a lost ack is absorbed by idempotent consumers.
 */
export function relayProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 2, maxRetryTime: 2_000 },
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface OutboxRelayOptions {
  /** Rows sent per batch (OUTBOX_RELAY_BATCH_SIZE by default). */
  batchSize?: number;
  /**
   * How often the lease holder looks for rows when nothing wakes it, while another replica
   * contends for the lease (OUTBOX_RELAY_POLL_MS).
   */
  pollMs?: number;
  /**
   * How often a replica without the lease checks whether it expired (marking the lease contended),
   * and a holder alone looks for rows nothing woke it for (OUTBOX_RELAY_IDLE_MS).
   */
  idleMs?: number;
  /** The wait after a first failed send (250 ms); it doubles with each failure after. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long the lease lasts without renewal. Longer than a send can take (the producer gives up
   * within seconds), so two replicas never send at once unless one stalls past it.
   */
  leaseMs?: number;
  /** Sent rows are deleted after this long. */
  retentionMs?: number;
  /** Handled event ids (processed_events) are deleted after this long: the idempotency window. */
  processedRetentionMs?: number;
}

interface OutboxRow {
  sequence: string;
  event_id: string;
  topic: string;
  type: string;
  source: string;
  subject: string;
  data: unknown;
  headers: Record<string, string>;
  occurred_at: Date;
}

export interface RelayStatus {
  kafkaReachable: boolean;
  /** Why the last attempt failed, naming what failed: `Kafka: ...` or `database: ...`. */
  lastError?: string;
  sentTotal: number;
}

/** What a relay's attempt depends on: the broker it sends to, and the database it reads rows from. */
type RelayParty = 'Kafka' | 'database';

/**
 * Sends committed outbox rows to Kafka in commit order and marks them sent: claim, send, mark, each
 * a short statement of its own, so no transaction (and, on PGlite, no connection) is held while
 * Kafka is slow. One replica relays at a time, the holder of the lease (outbox_relay_lease), which
 * keeps per-key order across replicas. While Kafka is unreachable it backs off and retries; rows
 * stay pending, so nothing is lost if Kafka or this process dies between commit and send (a row
 * is marked sent only after Kafka acknowledged it; a crash after the ack but before the mark
 * resends it, which idempotent consumers absorb). `attempts` counts the sends of a row, and
 * `last_error` holds why the last one failed (cleared once it is sent).
 */
export class OutboxRelay {
  private readonly signal = new WakeSignal();
  private running: Promise<void> | undefined;
  private stopped = false;
  private connected = false;
  private lastCleanup = 0;
  /**
   * Whether the attempt under way failed at the broker: a database outage is not reported as
   * Kafka's (readiness said `kafka: "unreachable"` while PostgreSQL was the one down).
   */
  private brokerFailed = false;
  /** What failed last, while the relay backs off. */
  private failing: RelayParty | undefined;
  /**
   * The failed tries of an outage, a line at once and then one per period: backing off from
   * 250 ms to 15 s, a relay wrote about eight warnings in a 30 s database outage, and every service
   * has one. A new one for each outage, so the next outage's first failure is told at once.
   */
  private failures = new FailureLog();
  /** This relay's name in the lease. */
  private readonly holder = randomUUID();
  /** When this relay last took or renewed the lease (0: it does not hold it). */
  private leaseRenewedAt = 0;
  /** Whether, when the holder last looked, another replica had lately tried to take the lease. */
  private contended = false;
  /** When the holder last looked whether the lease is contended. */
  private contentionReadAt = 0;
  readonly status: RelayStatus = { kafkaReachable: false, sentTotal: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  wake(): void {
    this.signal.wake();
  }

  /**
   * Sends the pending rows once, batch after batch, for a process that wrote events and is about
   * to exit (the catalog's first-start seed job), and says how many it sent. Nothing if another
   * relay holds the lease. It neither waits nor retries: what a failed send leaves stays pending
   * for the service's own relay, and the error is thrown. Call stop() after it to hand the lease on.
   */
  async drain(): Promise<number> {
    const batchSize = this.options.batchSize ?? OUTBOX_RELAY_BATCH_SIZE;
    await this.connect();
    let total = 0;
    for (;;) {
      const sent = await this.relayBatch(batchSize);
      total += sent;
      if (sent < batchSize || this.stopped) return total;
    }
  }

  /** Finishes the batch in flight, then disconnects the producer. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.wake();
    // A connect attempt against an absent broker may still be under way; do not wait it out.
    await Promise.race([
      this.running,
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
    // Hand the lease on at once: another replica need not wait for it to expire.
    await this.dataSource
      .query(
        `UPDATE outbox_relay_lease SET expires_at = '-infinity' WHERE id = 1 AND holder = $1`,
        [this.holder],
      )
      .catch(() => undefined);
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect().catch(() => undefined);
    }
  }

  private async loop(): Promise<void> {
    const batchSize = this.options.batchSize ?? OUTBOX_RELAY_BATCH_SIZE;
    const idleMs = this.options.idleMs ?? OUTBOX_RELAY_IDLE_MS;
    const pollMs = this.options.pollMs ?? OUTBOX_RELAY_POLL_MS;
    const firstBackoffMs = this.options.firstBackoffMs ?? 250;
    const maxBackoffMs = this.options.maxBackoffMs ?? 15_000;
    let backoffMs = 0;
    while (!this.stopped) {
      let sent = 0;
      this.brokerFailed = false;
      try {
        await this.connect();
        sent = await this.relayBatch(batchSize);
        await this.cleanup();
        if (this.failing) {
          this.logger.info(`outbox relay: ${this.failing} answers again, sending pending events`);
          this.failures = new FailureLog();
        }
        backoffMs = 0;
        this.failing = undefined;
        this.status.lastError = undefined;
      } catch (error) {
        backoffMs = Math.min(maxBackoffMs, backoffMs ? backoffMs * 2 : firstBackoffMs);
        this.failing = this.brokerFailed ? 'Kafka' : 'database';
        if (this.brokerFailed) this.status.kafkaReachable = false;
        const message = error instanceof Error ? error.message : String(error);
        this.status.lastError = `${this.failing}: ${message}`;
        const failures = this.failures.count(this.failing);
        if (failures !== undefined)
          this.logger.warn(
            { err: message, retryInMs: backoffMs, failures },
            failures === 1
              ? `outbox relay: ${this.failing} failed, will retry`
              : `outbox relay: ${this.failing} still failing (${failures} failed tries since the last such line), will retry`,
          );
      }
      if (this.stopped) break;
      if (backoffMs) await this.backOff(backoffMs);
      else if (sent < batchSize)
        await this.signal.wait(this.leaseRenewedAt && this.contended ? pollMs : idleMs);
    }
    // A connection made while stop() had stopped waiting for this loop would stay open (and
    // keep the process alive): the loop closes what it opened.
    if (this.connected) {
      this.connected = false;
      await this.producer.disconnect().catch(() => undefined);
    }
  }

  /**
   * Waits out a backoff whole: a commit's wake does not cut it short, only stop() does. Woken by
   * each write, a relay whose broker was down tried again after every write, each try a failed
   * connect and a warning, however long its backoff said it would wait; the rows written meanwhile
   * go with the next try.
   */
  private async backOff(ms: number): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0 && !this.stopped; left = until - Date.now())
      await this.signal.wait(left);
  }

  private async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect().catch((error: unknown) => {
      this.brokerFailed = true;
      throw error;
    });
    this.connected = true;
    this.status.kafkaReachable = true;
  }

  /**
   * Takes or renews the lease; false while another replica holds it. The holder renews it once a
   * third of its life has passed, not on every poll: a poll is then one read, not a write.
   */
  private async claimLease(): Promise<boolean> {
    const leaseMs = this.options.leaseMs ?? 30_000;
    if (this.leaseRenewedAt && Date.now() - this.leaseRenewedAt < leaseMs / 3) return true;
    // As a SELECT over the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE outbox_relay_lease
            SET holder = $1, expires_at = now() + ($2::bigint * interval '1 millisecond')
          WHERE id = 1 AND (holder = $1 OR expires_at < now())
        RETURNING holder)
       SELECT holder FROM claimed`,
      [this.holder, leaseMs],
    );
    this.leaseRenewedAt = rows.length > 0 ? Date.now() : 0;
    if (rows.length === 0) {
      // Tells the holder that another replica commits rows it must poll for; should this replica
      // hold the lease later, it reads who else is there at once.
      this.contentionReadAt = 0;
      await this.dataSource.query(
        'UPDATE outbox_relay_lease SET contended_at = now() WHERE id = 1',
      );
    }
    return rows.length > 0;
  }

  /**
   * The holder's view of whether other replicas share the lease: read at most once per `idleMs`,
   * contended while one has marked it within the last few of its checks (each checks every
   * `idleMs`), so a replica that stopped lets the holder slow down again within seconds.
   */
  private async readContention(): Promise<void> {
    const idleMs = this.options.idleMs ?? OUTBOX_RELAY_IDLE_MS;
    if (Date.now() - this.contentionReadAt < idleMs) return;
    this.contentionReadAt = Date.now();
    const rows: Array<{ contended: boolean }> = await this.dataSource.query(
      `SELECT contended_at > now() - ($1::bigint * interval '1 millisecond') AS contended
         FROM outbox_relay_lease WHERE id = 1`,
      [4 * idleMs],
    );
    this.contended = rows[0]?.contended === true;
  }

  private async relayBatch(batchSize: number): Promise<number> {
    if (!(await this.claimLease())) return 0;
    await this.readContention();
    const rows: OutboxRow[] = await this.dataSource.query(
      `SELECT sequence, event_id, topic, type, source, subject, data, headers, occurred_at
         FROM outbox_events WHERE sent_at IS NULL ORDER BY sequence LIMIT $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    // A trace of its own per batch, linked to each request whose change it sends: the
    // instrumented producer's send spans (and through Kafka the consumers' spans) hang under it.
    const links = rows
      .map((row) =>
        linkFromHeaders(row.headers, CE_TRACING_HEADERS, { 'messaging.message.id': row.event_id }),
      )
      .filter((link): link is Link => link !== undefined);
    const topics = new Set(rows.map((row) => row.topic));
    return MESSAGING_TRACER.startActiveSpan(
      'outbox publish',
      {
        root: true,
        links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.batch.message_count': rows.length,
          ...(topics.size === 1 ? { 'messaging.destination.name': [...topics][0] } : {}),
        },
      },
      ROOT_CONTEXT,
      (span) => this.sendRows(rows, span).finally(() => span.end()),
    );
  }

  /** Sends claimed rows in one batch and marks them sent; a failure is recorded on the rows. */
  private async sendRows(rows: OutboxRow[], span: Span): Promise<number> {
    const sequences = rows.map((row) => row.sequence);
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const row of rows) {
      const message = toKafkaMessage(
        {
          id: row.event_id,
          type: row.type,
          source: row.source,
          subject: row.subject,
          time: new Date(row.occurred_at).toISOString(),
          data: row.data,
        },
        row.headers,
      );
      byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), message]);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      this.brokerFailed = true;
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'Kafka did not take the batch' });
      // The producer may be wedged; reconnect on the next attempt.
      this.connected = false;
      await this.producer.disconnect().catch(() => undefined);
      await this.dataSource
        .query(
          'UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE sequence = ANY($1::bigint[])',
          [sequences, error instanceof Error ? error.message : String(error)],
        )
        .catch(() => undefined);
      throw error;
    }
    await this.dataSource.query(
      `UPDATE outbox_events SET sent_at = now(), attempts = attempts + 1, last_error = NULL
        WHERE sequence = ANY($1::bigint[])`,
      [sequences],
    );
    this.status.sentTotal += rows.length;
    return rows.length;
  }

  private async cleanup(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 86_400_000;
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox_events WHERE sent_at IS NOT NULL AND sent_at < now() - ($1::bigint * interval '1 millisecond')`,
      [retentionMs],
    );
    await this.dataSource.query(
      `DELETE FROM processed_events WHERE processed_at < now() - ($1::bigint * interval '1 millisecond')`,
      [this.options.processedRetentionMs ?? 7 * 86_400_000],
    );
  }
}
