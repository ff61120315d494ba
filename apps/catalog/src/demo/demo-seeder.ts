import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { untraced } from '@kinema/platform/telemetry';
import { DataSource } from 'typeorm';
import { CATALOG_CONFIG, CATALOG_SEED_LOCK_KEY } from '../catalog.constants';
import type { CatalogConfig } from '../config';
import { TitleEventsPublisher } from '../titles/title-events.publisher';
import { TitlesReadRepository } from '../titles/titles-read.repository';
import { TitlesWriteRepository } from '../titles/titles-write.repository';
import { ANALYZE_LOADED_TABLES, loadDemoCatalog } from './demo-catalog.loader';

/**
 * Titles per seeding transaction. Under PGlite a service has one connection (a pool of one), and
 * a transaction holds it: every other query, the outbox relay's first, waits behind it, and gives
 * up after the pool's 5 s connection timeout. The whole demo catalog (500 titles) in one
 * transaction took 4.9 to over 5 s on a busy first start (the relay then logged "send failed:
 * timeout exceeded when trying to connect"); batches of 100 took 0.5 to 1.6 s there, and the
 * waiting queries get the connection between them.
 */
export const DEMO_SEED_BATCH_TITLES = 100;

/** What seeding writes with: the catalog's own repositories and event publisher. */
export interface DemoSeedWriters {
  writes: TitlesWriteRepository;
  reads: TitlesReadRepository;
  events: TitleEventsPublisher;
}

/**
 * Fills an empty catalog with `count` generated titles through the same write repository and
 * outbox as any title: each batch commits with its TitleCreated events. The first batch checks
 * emptiness under a transaction-scoped advisory lock, so replicas (or a seed job and a replica)
 * starting together seed once. Resolves whether it seeded.
 */
export async function seedDemoTitles(
  dataSource: DataSource,
  count: number,
  { writes, reads, events }: DemoSeedWriters,
): Promise<boolean> {
  let seeded = true;
  // Untraced: a create span (and its SQL) per event would be a thousand traces on a first start.
  // The events' sends are traced, by the outbox relay that sends them.
  await untraced(() =>
    loadDemoCatalog(
      (titles, index) =>
        dataSource.transaction(async (manager) => {
          if (index === 0) {
            await manager.query('SELECT pg_advisory_xact_lock($1)', [CATALOG_SEED_LOCK_KEY]);
            const [row] = await manager.query<Array<{ present: boolean }>>(
              'SELECT EXISTS (SELECT 1 FROM titles) AS present',
            );
            seeded = !row?.present;
          }
          if (!seeded) return false;
          await writes.insertMany(manager, titles);
          const stored = await reads.batchGet(
            titles.map((title) => title.id),
            { includeDrafts: true },
            manager,
          );
          for (const row of stored) await events.created(manager, row);
          return true;
        }),
      { count, batchSize: DEMO_SEED_BATCH_TITLES },
    ),
  );
  if (seeded) await dataSource.query(ANALYZE_LOADED_TABLES);
  return seeded;
}

/**
 * Seeds DEMO_SEED_TITLES demo titles at boot (after migrations, which run in module init) when
 * the catalog is empty. `npm start` seeds in a job of its own before the catalog starts instead
 * (demo-seed.main.ts), and gives the catalog 0.
 */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeeder.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: TitlesWriteRepository,
    private readonly reads: TitlesReadRepository,
    private readonly events: TitleEventsPublisher,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const count = this.config.DEMO_SEED_TITLES;
    if (count === 0) return;
    const { writes, reads, events } = this;
    if (await seedDemoTitles(this.dataSource, count, { writes, reads, events }))
      this.logger.log(`seeded ${count} demo titles`);
  }
}
