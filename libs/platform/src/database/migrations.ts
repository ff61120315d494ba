import { DataSource, MigrationExecutor, type Migration } from 'typeorm';

/**
 * Runs pending migrations in one transaction that first takes a transaction-level advisory lock,
 * so several replicas starting at once apply each migration exactly once: the second waits for
 * the first to commit, then finds nothing pending. A transaction-level lock (not a session one)
 * also holds behind a pooler in transaction mode (PgBouncer), where a session lock would stay on
 * whichever server connection took it. All or nothing: a failed migration leaves none of the
 * run's applied. The executor uses the same connection, which keeps it working with a pool of one
 * (PGlite).
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  lockKey: number,
): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const executor = new MigrationExecutor(dataSource, runner);
      // Inside the transaction begun here: the executor starts none of its own.
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      await runner.commitTransaction();
      return applied;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}
