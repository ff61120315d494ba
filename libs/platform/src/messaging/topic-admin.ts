import { deadLetterTopic, type Topic } from '@kinema/contracts';
import type { Kafka } from 'kafkajs';

/** Creates the topics (and their dead-letter twins) that do not exist yet; safe to run from every replica. */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly Topic[],
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = topics
      .flatMap((topic) => [topic, deadLetterTopic(topic)])
      .filter((t) => !existing.has(t));
    if (wanted.length === 0) return;
    // A replica racing us may create some first; createTopics then reports them as existing, which is fine.
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
    });
  } finally {
    await admin.disconnect();
  }
}
