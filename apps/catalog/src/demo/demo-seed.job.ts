import 'reflect-metadata';
import { TOPICS } from '@kinema/contracts';
import {
  createKafka,
  ensureTopics,
  jobDataSource,
  kafkaClientConfig,
  OutboxPublisher,
  OutboxRelay,
  relayProducer,
  runMigrationsLocked,
} from '@kinema/platform';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CATALOG_EVENT_SOURCE, CATALOG_MIGRATION_LOCK_KEY } from '../catalog.constants';
import type { CatalogConfig } from '../config';
import { catalogMigrations } from '../migrations';
import { TitleEventsPublisher } from '../titles/title-events.publisher';
import { TitlesReadRepository } from '../titles/titles-read.repository';
import { TitlesWriteRepository } from '../titles/titles-write.repository';
import { seedDemoTitles } from './demo-seeder';

/**
 * The catalog's first start as a job of its own, run before the catalog (npm start's launcher
 * does): the migrations, then DEMO_SEED_TITLES demo titles seeded exactly as DemoSeeder seeds them
 * at boot, with their events, which it then sends to Kafka itself. It reads the catalog's own
 * configuration (DATABASE_URL, DATABASE_SSL_*, KAFKA_*). Seeding inside the serving process left
 * it holding the heap and buffers seeding made it take: 166-177 MiB when ready on a first start
 * against 141-150 MiB after a restart (docs/performance.md).
 */
export async function runSeedJob(config: CatalogConfig, logger: Logger): Promise<void> {
  // One connection: PGlite takes one at a time, and this job runs before the catalog opens its own.
  const dataSource = jobDataSource(config, {
    migrations: catalogMigrations,
    migrationLockKey: CATALOG_MIGRATION_LOCK_KEY,
  });
  await dataSource.initialize();
  try {
    const applied = await runMigrationsLocked(dataSource, CATALOG_MIGRATION_LOCK_KEY);
    logger.info({ applied: applied.length }, 'migrations applied');
    const count = config.DEMO_SEED_TITLES;
    if (count === 0) return;
    const seeded = await seedDemoTitles(dataSource, count, {
      writes: new TitlesWriteRepository(),
      reads: new TitlesReadRepository(dataSource),
      events: new TitleEventsPublisher(new OutboxPublisher(CATALOG_EVENT_SOURCE)),
    });
    if (seeded) {
      logger.info(`seeded ${count} demo titles`);
      await sendSeedEvents(dataSource, config, logger);
    } else logger.info('the catalog already has titles: no demo titles seeded');
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Sends the seed's events before the catalog starts, so that its relay does not: the catalog that
 * relayed them (978 for 500 titles) right after it started was 155-163 MiB when ready, against
 * 141-144 when they had left before it (docs/performance.md). One try, bounded by the Kafka
 * client's own timeouts and retries: with Kafka away or refusing, the events stay in the outbox
 * and the catalog's relay sends them, as it sends any other.
 */
async function sendSeedEvents(
  dataSource: DataSource,
  config: CatalogConfig,
  logger: Logger,
): Promise<void> {
  const kafka = createKafka(kafkaClientConfig(config, 'kinema-catalog-seed'), logger);
  const relay = new OutboxRelay(dataSource, relayProducer(kafka), logger, {});
  try {
    await ensureTopics(kafka, [TOPICS.catalogTitles], config.KAFKA_PARTITIONS);
    logger.info({ sent: await relay.drain() }, 'demo title events sent');
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "demo title events not sent: the catalog's relay will send them",
    );
  } finally {
    await relay.stop();
  }
}
