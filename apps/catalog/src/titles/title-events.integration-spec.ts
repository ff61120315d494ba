import { Availability, CATALOG_TITLE_EVENTS, TOPICS } from '@kinema/contracts';
import { startKafkaBroker, waitFor, type RunningKafkaBroker } from '@kinema/dev-infra';
import { kafkaClient } from '@kinema/platform/kafka';
import { logLevel, type Consumer } from 'kafkajs';
import { defined, startTestCatalog, type CatalogHarness } from '../testing/catalog-test-harness';
import { aMovie } from '../testing/title-input.builder';

interface Received {
  key: string;
  type: string;
  data: Record<string, unknown>;
}

let broker: RunningKafkaBroker;
let catalog: CatalogHarness;
let consumer: Consumer;
const received: Received[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  catalog = await startTestCatalog({ KAFKA_BROKERS: broker.address });
  const kafka = kafkaClient({
    clientId: 'catalog-events-test',
    brokers: [broker.address],
    logLevel: logLevel.NOTHING,
  });
  consumer = kafka.consumer({
    groupId: 'catalog-events-test',
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.catalogTitles, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push({
        key: String(message.key),
        type: String(message.headers?.['ce_type']),
        data: JSON.parse(String(message.value)) as Record<string, unknown>,
      });
    },
  });
}, 60_000);

afterAll(async () => {
  await consumer?.disconnect();
  await catalog?.close();
  await broker?.stop();
});

describe('catalog.titles.v1 events through the transactional outbox', () => {
  it('publishes TitleCreated, TitleUpdated with the changed fields, TitlePublished on publishing, and TitleDeleted', async () => {
    const created = defined(
      (
        await catalog.rpc.createTitle({
          title: aMovie({ slug: 'evented', availability: Availability.AVAILABILITY_DRAFT }),
        })
      ).title,
    );
    const patched = defined(
      (
        await catalog.rpc.patchTitle({
          id: created.id,
          title: aMovie({ name: 'Evented, renamed' }),
          updateMask: ['name'],
        })
      ).title,
    );
    await catalog.rpc.patchTitle({
      id: created.id,
      expectedVersion: patched.version,
      title: aMovie({ availability: Availability.AVAILABILITY_PUBLISHED }),
      updateMask: ['availability'],
    });
    await catalog.rpc.deleteTitle({ id: created.id });

    await waitFor(
      () => received.filter((r) => r.key === created.id).length >= 5,
      'all five events of the created title',
      { describe: () => received.map((r) => r.type) },
    );
    const mine = received.filter((r) => r.key === created.id);
    expect(mine.map((r) => r.type)).toEqual([
      CATALOG_TITLE_EVENTS.created,
      CATALOG_TITLE_EVENTS.updated,
      CATALOG_TITLE_EVENTS.updated,
      CATALOG_TITLE_EVENTS.published,
      CATALOG_TITLE_EVENTS.deleted,
    ]);
    expect(mine[1].data['changedFields']).toEqual(['name']);
    expect(mine[2].data['changedFields']).toEqual(['availability']);
    expect((mine[3].data['title'] as { availability: string }).availability).toBe('published');
    expect(mine[4].data).toMatchObject({ titleId: created.id, slug: 'evented' });
  });

  it('publishes nothing for a write that fails', async () => {
    const before = received.length;
    await expect(
      catalog.rpc.createTitle({ title: aMovie({ slug: 'x', releaseYear: 1000 }) }),
    ).rejects.toThrow();
    const marker = defined(
      (await catalog.rpc.createTitle({ title: aMovie({ slug: 'marker-after-failure' }) })).title,
    );
    await waitFor(
      () => received.some((r) => r.key === marker.id),
      'the marker title created after the failure',
      { describe: () => received.map((r) => r.type) },
    );
    expect(received.slice(before).every((r) => r.key === marker.id)).toBe(true);
  });
});
