import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CATALOG_TITLE_EVENTS, TOPICS } from '@kinema/contracts';
import type { RunningKafkaBroker } from '@kinema/dev-infra';
import { toKafkaMessage } from '@kinema/platform/kafka';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { CatalogCache } from '../cache/catalog-cache';
import { jsonRepresentation } from '../http/representation';
import { startFeedBroker, type FeedBroker } from '../testing/feed-broker';
import { aTitleSnapshot } from '../testing/title-snapshot';
import { InvalidationThread } from './invalidation-thread';

const topic = TOPICS.catalogTitles;
const titleId = randomUUID();

/**
 * The invalidation thread on the embedded broker: a title event drops the cached answer while
 * the serving thread never yields to its event loop, and the thread's group goes when it stops.
 */
describe('the gateway invalidation thread', () => {
  let feedBroker: FeedBroker;
  let broker: RunningKafkaBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    feedBroker = await startFeedBroker(topic);
    ({ broker, kafka } = feedBroker);
  }, 60_000);

  afterAll(async () => {
    await broker?.stop();
  });

  it('drops a changed title from the cache without the serving thread turning its event loop', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100 });
    const key = `title ${titleId}`;
    await cache.representation(key, async () => ({
      representation: jsonRepresentation({ name: 'Old' }),
      scope: { kind: 'title', titleId },
    }));
    const groupId = `gateway.invalidation.test-${randomUUID()}`;
    const thread = new InvalidationThread(
      cache,
      { env: { KAFKA_BROKERS: [broker.address], KAFKA_SSL: false, LOG_LEVEL: 'silent' }, groupId },
      pino({ level: 'silent' }),
      // The worker's TypeScript source, loaded through tsx (the build runs the compiled file).
      { script: join(__dirname, 'invalidation.worker.ts'), execArgv: ['--require', 'tsx/cjs'] },
    );
    thread.start();
    try {
      // The thread reads from the end of each partition: an event sent before it has its starting
      // positions would be skipped (as a replica skips what came before it started). They are
      // fixed once its group has committed one on every partition.
      const admin = kafka.admin();
      await admin.connect();
      const positionedBy = Date.now() + 30_000;
      const positioned = async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return offsets?.partitions.every((partition) => partition.offset !== '-1') ?? false;
      };
      while (!(thread.joined && (await positioned())) && Date.now() < positionedBy)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await admin.disconnect();
      expect(thread.joined).toBe(true);

      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: [
          toKafkaMessage({
            id: randomUUID(),
            type: CATALOG_TITLE_EVENTS.updated,
            source: '/kinema/catalog',
            subject: titleId,
            time: new Date().toISOString(),
            data: { title: aTitleSnapshot(titleId, { name: 'Renamed' }) },
          }),
        ],
      });
      await producer.disconnect();

      // Synchronous from here on: nothing this thread would deliver (a message, a timer) can run.
      const deadline = Date.now() + 10_000;
      while (cache.peek(key) !== undefined && Date.now() < deadline);
      expect(cache.peek(key)).toBeUndefined();
    } finally {
      await thread.stop();
    }
    expect(await feedBroker.groupIds()).not.toContain(groupId);
  }, 60_000);
});
