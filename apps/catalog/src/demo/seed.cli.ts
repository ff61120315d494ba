import 'reflect-metadata';
import { jobDataSource, runMigrationsLocked } from '@kinema/platform';
import { parseArgs } from 'node:util';
import { CATALOG_MIGRATION_LOCK_KEY, CATALOG_SEED_LOCK_KEY } from '../catalog.constants';
import { catalogMigrations } from '../migrations';
import { TitlesWriteRepository } from '../titles/titles-write.repository';
import { ANALYZE_LOADED_TABLES, loadDemoCatalog } from './demo-catalog.loader';

const usage =
  'usage: node apps/catalog/dist/demo/seed.cli.js --database-url URL --titles N [--bulk] [--seed S]';

// Loads the demo catalog into an empty catalog database, e.g. a million movies for benchmarks:
// node apps/catalog/dist/demo/seed.cli.js --database-url postgres://... --titles 1000000 --bulk
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      titles: { type: 'string' },
      bulk: { type: 'boolean', default: false },
      seed: { type: 'string' },
    },
  });
  const url = values['database-url'];
  const count = Number(values.titles);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (
    !url ||
    !Number.isInteger(count) ||
    count < 1 ||
    (seed !== undefined && !Number.isInteger(seed))
  ) {
    throw new Error(usage);
  }
  const dataSource = jobDataSource(
    { DATABASE_URL: url },
    { migrations: catalogMigrations, migrationLockKey: CATALOG_MIGRATION_LOCK_KEY },
  );
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    const applied = await runMigrationsLocked(dataSource, CATALOG_MIGRATION_LOCK_KEY);
    log(`migrations applied: ${applied.length}`);
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [CATALOG_SEED_LOCK_KEY]);
    const rows: Array<{ total: string }> = await runner.query(
      'SELECT count(*) AS total FROM titles',
    );
    const total = Number(rows[0]?.total ?? 0);
    if (total > 0) {
      log(`the catalog already has ${total} titles; nothing loaded`);
      return;
    }
    const started = Date.now();
    const writes = new TitlesWriteRepository();
    // A bulk import into an empty catalog, for benchmarks: the titles go through the write
    // repository like any other, but announce nothing (no consumer holds state about titles it
    // never heard of, and a million outbox rows would only delay the relay).
    await loadDemoCatalog(
      async (titles) => {
        await runner.startTransaction();
        try {
          await writes.insertMany(runner.manager, titles);
          await runner.commitTransaction();
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
        return true;
      },
      {
        count,
        // Bulk mode: movies only (no seasons/episodes) in larger batches, the shape benchmarks need.
        batchSize: values.bulk ? 10_000 : 2_000,
        demo: {
          ...(values.bulk ? { seriesShare: 0 } : {}),
          ...(seed === undefined ? {} : { seed }),
        },
        onProgress: (loaded) => {
          const seconds = (Date.now() - started) / 1000;
          log(`${loaded}/${count} titles (${Math.round(loaded / Math.max(seconds, 0.001))}/s)`);
        },
      },
    );
    await runner.query(ANALYZE_LOADED_TABLES);
    log(`loaded ${count} titles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (!runner.isReleased) await runner.release();
    await dataSource.destroy();
  }
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
