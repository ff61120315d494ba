import { DataSource, MigrationExecutor, type Migration } from 'typeorm';

/**
 * Runs pending migrations while holding a session-level advisory lock on one connection, so
 * several replicas starting at once apply each migration exactly once. The executor uses that
 * same connection, which also keeps it working with a pool of one (PGlite).
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  lockKey: number,
): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      return await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]);
    }
  } finally {
    await runner.release();
  }
}
