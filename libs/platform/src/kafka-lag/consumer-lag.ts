import type { Admin, Kafka } from 'kafkajs';
import { Gauge } from 'prom-client';

/** Where a group with no committed offset starts reading: what its lag counts from. */
export type StartsAt = 'earliest' | 'latest';

interface LagSource {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  startsAt: StartsAt;
  admin?: Admin;
}

/** A scrape waits this long for Kafka at most; past it the lag series are left out. */
const LAG_READ_TIMEOUT_MS = 2_000;

const sources = new Set<LagSource>();

/**
 * Messages each consumer group of this process has yet to process, per partition: the
 * partition's latest offset minus the group's committed one, read from Kafka when Prometheus
 * scrapes (as Kafka's own consumer-lag exporters do), so a stalled or crashed consumer still
 * shows its lag growing. While Kafka does not answer, the series are left out.
 */
export const consumerGroupLag = new Gauge({
  name: 'kafka_consumer_group_lag',
  help: 'Messages a consumer group has yet to process, per topic partition (latest offset minus committed offset).',
  labelNames: ['group', 'topic', 'partition'] as const,
  async collect() {
    this.reset();
    const reads = [...sources].map((source) =>
      Promise.race([
        readLag(source),
        new Promise<[]>((resolve) => setTimeout(() => resolve([]), LAG_READ_TIMEOUT_MS).unref()),
      ]).catch(() => []),
    );
    for (const rows of await Promise.all(reads)) {
      for (const row of rows) this.set(row.labels, row.lag);
    }
  },
});

/** Reports a consumer group's lag in `kafka_consumer_group_lag`; the returned function stops it. */
export function reportConsumerLag(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  startsAt: StartsAt,
): () => Promise<void> {
  const source: LagSource = { kafka, groupId, topics, startsAt };
  sources.add(source);
  return async () => {
    sources.delete(source);
    await source.admin?.disconnect().catch(() => undefined);
  };
}

async function readLag(
  source: LagSource,
): Promise<Array<{ labels: { group: string; topic: string; partition: string }; lag: number }>> {
  if (!source.admin) {
    const admin = source.kafka.admin();
    await admin.connect();
    source.admin = admin;
  }
  const admin = source.admin;
  const committed = await admin.fetchOffsets({
    groupId: source.groupId,
    topics: [...source.topics],
  });
  const rows = [];
  for (const { topic, partitions } of committed) {
    const latest = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p] as const),
    );
    for (const { partition, offset } of partitions) {
      const ends = latest.get(partition);
      if (!ends) continue;
      // No commit yet: the group reads from the start, or from the end (then nothing is owed).
      const from =
        offset === '-1'
          ? source.startsAt === 'earliest'
            ? Number(ends.low)
            : Number(ends.high)
          : Number(offset);
      rows.push({
        labels: { group: source.groupId, topic, partition: String(partition) },
        lag: Math.max(0, Number(ends.high) - from),
      });
    }
  }
  return rows;
}
