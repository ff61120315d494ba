import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';

interface Pending {
  count: number;
  oldestAgeSeconds: number;
}

let outbox: DataSource | undefined;
let lastRead: { at: number; pending: Promise<Pending | undefined> } | undefined;

/** Both gauges come from one query, made once per scrape (the second gauge reuses it). */
function pending(): Promise<Pending | undefined> {
  if (!lastRead || Date.now() - lastRead.at > 1_000) {
    lastRead = { at: Date.now(), pending: readPending().catch(() => undefined) };
  }
  return lastRead.pending;
}

async function readPending(): Promise<Pending | undefined> {
  if (!outbox?.isInitialized) return undefined;
  const [row]: Array<{ count: string; age: string | null }> = await outbox.query(
    `SELECT count(*) AS count, extract(epoch FROM now() - min(occurred_at)) AS age
       FROM outbox_events WHERE sent_at IS NULL`,
  );
  return row && { count: Number(row.count), oldestAgeSeconds: Number(row.age ?? 0) };
}

/** Events committed but not yet acknowledged by Kafka: grows while Kafka is away. */
export const outboxPendingEvents = new Gauge({
  name: 'outbox_pending_events',
  help: 'Events committed to the outbox and not yet acknowledged by Kafka.',
  async collect() {
    const read = await pending();
    if (read) this.set(read.count);
  },
});

/** How long the oldest unsent event has waited (0 when none waits): the outbox's delay. */
export const outboxOldestPendingAge = new Gauge({
  name: 'outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest event in the outbox not yet acknowledged by Kafka (0 when none waits).',
  async collect() {
    const read = await pending();
    if (read) this.set(read.oldestAgeSeconds);
  },
});

/** Points the outbox gauges at this process's database. */
export function reportOutbox(dataSource: DataSource): void {
  outbox = dataSource;
}
