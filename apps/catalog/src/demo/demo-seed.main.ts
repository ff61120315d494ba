import 'reflect-metadata';
import {
  createLogger,
  jobDataSource,
  loadConfigOrExit,
  OutboxPublisher,
  runMigrationsLocked,
} from '@kinema/platform';
import { CATALOG_EVENT_SOURCE, CATALOG_MIGRATION_LOCK_KEY } from '../catalog.constants';
import { configSchema } from '../config';
import { catalogMigrations } from '../migrations';
import { TitleEventsPublisher } from '../titles/title-events.publisher';
import { TitlesReadRepository } from '../titles/titles-read.repository';
import { TitlesWriteRepository } from '../titles/titles-write.repository';
import { seedDemoTitles } from './demo-seeder';

/**
 * The catalog's first start as a job of its own, run before the catalog (npm start's launcher
 * does): the migrations, then DEMO_SEED_TITLES demo titles seeded exactly as DemoSeeder seeds them
 * at boot, with their TitleCreated events in the outbox for the catalog's relay to send. It reads
 * the catalog's own configuration (DATABASE_URL, DATABASE_SSL_*). Seeding inside the serving
 * process left it holding the heap and buffers seeding made it take: 166-177 MiB when ready on a
 * first start against 141-150 MiB after a restart (docs/performance.md).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('catalog', configSchema);
  const logger = createLogger('catalog', config.LOG_LEVEL);
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
    if (seeded) logger.info(`seeded ${count} demo titles`);
    else logger.info('the catalog already has titles: no demo titles seeded');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `catalog seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
