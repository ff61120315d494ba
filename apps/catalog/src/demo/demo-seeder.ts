import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CATALOG_CONFIG, CATALOG_SEED_LOCK_KEY } from '../catalog.constants';
import type { CatalogConfig } from '../config';
import { loadDemoCatalog } from './demo-catalog.loader';

/**
 * Fills an empty catalog with DEMO_SEED_TITLES generated titles at boot (after migrations,
 * which run in module init). It runs in this process because the embedded PostgreSQL accepts
 * a single connection; an advisory lock keeps replicas booting together from seeding twice.
 */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = this.config.DEMO_SEED_TITLES;
    if (count === 0) return;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [CATALOG_SEED_LOCK_KEY]);
      try {
        const rows: Array<{ present: boolean }> = await runner.query(
          'SELECT EXISTS (SELECT 1 FROM titles) AS present',
        );
        if (rows[0]?.present) return;
        await runner.startTransaction();
        try {
          await loadDemoCatalog((sql, params) => runner.query(sql, params), { count });
          await runner.commitTransaction();
        } catch (error) {
          await runner.rollbackTransaction();
          throw error;
        }
        this.logger.log(`seeded ${count} demo titles`);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [CATALOG_SEED_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}
