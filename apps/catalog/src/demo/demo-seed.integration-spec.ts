import { TOPICS } from '@kinema/contracts';
import {
  createTestDatabase,
  startKafkaBroker,
  waitFor,
  type RunningKafkaBroker,
  type TestDatabase,
} from '@kinema/dev-infra';
import { parseConfig } from '@kinema/platform';
import { Client } from 'pg';
import pino from 'pino';
import { configSchema } from '../config';
import { KafkaTestClient } from '../testing/kafka-test-client';
import { runSeedJob } from './demo-seed.job';

const TITLES = 30;
const logger = pino({ level: 'silent' });

let broker: RunningKafkaBroker;
let kafka: KafkaTestClient;
const databases: TestDatabase[] = [];

function runJob(database: TestDatabase, brokers: string): Promise<void> {
  const config = parseConfig(configSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: database.url,
    CURSOR_SECRET: 'integration-test-cursor-secret',
    KAFKA_BROKERS: brokers,
    DEMO_SEED_TITLES: String(TITLES),
  });
  return runSeedJob(config, logger);
}

/** The seeded titles and the outbox rows still waiting for a relay, read after the job exited. */
async function afterTheJob(database: TestDatabase) {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const titles = await client.query<{ id: string }>('SELECT id FROM titles');
    const outbox = await client.query<{ pending: number; total: number }>(
      'SELECT count(*) FILTER (WHERE sent_at IS NULL)::int AS pending, count(*)::int AS total FROM outbox_events',
    );
    return { titleIds: titles.rows.map((row) => row.id), ...outbox.rows[0] };
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  broker = await startKafkaBroker();
  kafka = new KafkaTestClient(broker.address);
}, 60_000);

afterAll(async () => {
  await kafka?.close();
  await broker?.stop();
  await Promise.all(databases.map((database) => database.dispose()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase('catalog-seed');
  databases.push(database);
  return database;
}

describe("the catalog's first-start job", () => {
  it("sends its titles' events itself, so the catalog starts with nothing to relay", async () => {
    const database = await freshDatabase();
    await runJob(database, broker.address);
    const after = await afterTheJob(database);
    expect(after.titleIds).toHaveLength(TITLES);
    expect(after).toMatchObject({ pending: 0 });
    // A TitleCreated for each title, then a TitlePublished for each one the demo publishes.
    expect(after.total).toBeGreaterThan(TITLES);
    const received = await kafka.collect(TOPICS.catalogTitles);
    await waitFor(() => received.length >= after.total, 'the topic carries every event', {
      describe: () => received.length,
    });
    expect(received).toHaveLength(after.total);
    expect(new Set(received.map((event) => event.key))).toEqual(new Set(after.titleIds));
  });

  it("seeds and leaves the events in the outbox for the catalog's relay when Kafka is away", async () => {
    const database = await freshDatabase();
    await runJob(database, '127.0.0.1:1');
    const after = await afterTheJob(database);
    expect(after.titleIds).toHaveLength(TITLES);
    expect(after.pending).toBe(after.total);
    expect(after.total).toBeGreaterThan(TITLES);
  });
});
