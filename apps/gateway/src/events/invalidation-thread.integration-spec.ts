import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CATALOG_TITLE_EVENTS, TOPICS } from '@kinema/contracts';
import { startTopicBroker, type RunningKafkaBroker, type TopicBroker } from '@kinema/dev-infra';
import { kafkaClient, toKafkaMessage } from '@kinema/platform/kafka';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { CatalogCache } from '../cache/catalog-cache';
import { jsonRepresentation } from '../http/representation';
import { aTitleSnapshot } from '../testing/title-snapshot';
import { InvalidationThread } from './invalidation-thread';

const topic = TOPICS.catalogTitles;
const titleId = randomUUID();

/**
 * The invalidation thread on the embedded broker: a title event drops the cached answer while
 * the serving thread never yields to its event loop, and the thread's group goes when it stops.
 */
describe('the gateway invalidation thread', () => {
  let topicBroker: TopicBroker;
  let broker: RunningKafkaBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    topicBroker = await startTopicBroker(topic, kafkaClient);
    ({ broker, kafka } = topicBroker);
  }, 60_000);

  afterAll(async () => {
    await broker?.stop();
  });

  it('says it is off, not joining, when the cache is off: it never starts', async () => {
    const thread = new InvalidationThread(
      new CatalogCache({ ttlMs: 0, maxEntries: 100, maxBytes: 1_048_576 }),
      {
        env: { KAFKA_BROKERS: [broker.address], KAFKA_SSL: false, LOG_LEVEL: 'silent' },
        groupId: `gateway.invalidation.off-${randomUUID()}`,
      },
      pino({ level: 'silent' }),
      { script: join(__dirname, 'invalidation.worker.ts'), execArgv: ['--require', 'tsx/cjs'] },
    );
    thread.start();
    expect(thread.state).toBe('off');
    await thread.stop();
  });

  it('drops a changed title from the cache without the serving thread turning its event loop', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
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
      // Positioned: an event sent before may be skipped (TopicBroker.positioned says why).
      const positionedBy = Date.now() + 30_000;
      while (
        !(thread.joined && (await topicBroker.positioned(groupId))) &&
        Date.now() < positionedBy
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(thread.joined).toBe(true);
      expect(thread.state).toBe('joined');

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
    expect(await topicBroker.groupIds()).not.toContain(groupId);
  }, 60_000);
});
