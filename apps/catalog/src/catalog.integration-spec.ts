import { credentials, makeClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { CATALOG_TITLE_EVENTS, GENRES, GRPC_SERVICES, MaturityRating } from '@kinema/contracts';
import { createTestDatabase } from '@kinema/dev-infra';
import { dataSourceOptions, runMigrationsLocked } from '@kinema/platform';
import { service as healthService } from 'grpc-health-check';
import { DataSource } from 'typeorm';
import { CATALOG_MIGRATION_LOCK_KEY } from './catalog.constants';
import { generateDemoCatalog } from './demo/demo-catalog.generator';
import { DEMO_SEED_BATCH_TITLES } from './demo/demo-seeder';
import { catalogMigrations } from './migrations';
import { defined, startTestCatalog, type CatalogHarness } from './testing/catalog-test-harness';
import { makePlayable } from './testing/deliver-event';

// More than one seeding batch, so the batches show.
const DEMO_TITLES = DEMO_SEED_BATCH_TITLES + 30;

describe('catalog service', () => {
  let catalog: CatalogHarness;

  beforeAll(async () => {
    catalog = await startTestCatalog({ DEMO_SEED_TITLES: String(DEMO_TITLES) });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('answers grpc.health.v1 Health/Check with SERVING, overall and for the catalog service', async () => {
    const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');
    const client = new HealthClient(catalog.grpcAddress, credentials.createInsecure());
    // grpc-js builds the methods at run time, so the client type cannot name them.
    const check = client['Check'] as (
      request: { service: string },
      callback: (error: ServiceError | null, response: { status: string }) => void,
    ) => void;
    const checkStatus = (service: string) =>
      new Promise<string>((resolve, reject) =>
        check.call(client, { service }, (error, response) =>
          error ? reject(error) : resolve(response.status),
        ),
      );
    await expect(checkStatus('')).resolves.toBe('SERVING');
    await expect(checkStatus(GRPC_SERVICES.catalog)).resolves.toBe('SERVING');
    client.close();
  });

  it('answers /readyz with 200 once serving', async () => {
    const response = await fetch(`http://127.0.0.1:${catalog.running.opsPort}/readyz`);
    expect(response.status).toBe(200);
  });

  it("lists the fixed genres its migrations store: the contract's vocabulary, in order", async () => {
    const { genres } = await catalog.rpc.listGenres();
    expect(genres.map(({ slug, name }) => ({ slug, name }))).toEqual(
      GENRES.map(({ slug, name }) => ({ slug, name })),
    );
  });

  it('seeds the deterministic demo catalog on boot when it is empty, with no title playable', async () => {
    const seeded = new Map<string, { playable: boolean; durationSeconds: number }>();
    let cursor = '';
    do {
      const page = await catalog.rpc.listTitles({
        limit: 100,
        cursor,
        visibility: {
          includeDrafts: true,
          maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED,
        },
      });
      page.titles.forEach((title) => seeded.set(title.id, title));
      cursor = page.nextCursor;
    } while (cursor);
    expect([...seeded.keys()].sort()).toEqual(
      generateDemoCatalog(DEMO_TITLES)
        .map((title) => title.id)
        .sort(),
    );
    expect([...seeded.values()].every((t) => !t.playable && t.durationSeconds === 0)).toBe(true);
  });

  it('writes the demo titles like any title: each one announced by a TitleCreated in the outbox', async () => {
    const rows = await catalog.running.app
      .get(DataSource)
      .query<Array<{ subject: string }>>(
        `SELECT message_key AS subject FROM outbox_events WHERE type = $1`,
        [CATALOG_TITLE_EVENTS.created],
      );
    expect(rows.map((row) => row.subject).sort()).toEqual(
      generateDemoCatalog(DEMO_TITLES)
        .map((title) => title.id)
        .sort(),
    );
  });

  it('seeds in short transactions of at most DEMO_SEED_BATCH_TITLES titles, so no query waits long for the connection', async () => {
    // xmin names the transaction that wrote a row.
    const transactions = await catalog.running.app
      .get(DataSource)
      .query<Array<{ titles: string }>>(
        'SELECT count(*) AS titles FROM titles GROUP BY xmin::text',
      );
    expect(transactions.map((t) => Number(t.titles)).sort((a, b) => b - a)).toEqual([
      DEMO_SEED_BATCH_TITLES,
      DEMO_TITLES - DEMO_SEED_BATCH_TITLES,
    ]);
  });

  it('browses nothing until demo titles get videos, then shows those', async () => {
    expect((await catalog.rpc.browse({})).rows).toEqual([]);
    const published = generateDemoCatalog(DEMO_TITLES).filter(
      (title) => title.availability === 'published',
    );
    const withVideos = published.slice(0, 3).map((title) => title.id);
    for (const id of withVideos) await makePlayable(catalog, id);
    const { rows } = await catalog.rpc.browse({});
    const shown = new Set(rows.flatMap((row) => row.titles.map((title) => title.id)));
    expect([...shown].sort()).toEqual([...withVideos].sort());
  });
});

const onServer = process.env['TEST_DATABASE_URL'] ? describe : describe.skip;

onServer('catalog migrations', () => {
  it('apply once when two replicas run them concurrently', async () => {
    const database = await createTestDatabase('catalog_migrations');
    const sources = [0, 1].map(
      () =>
        new DataSource(
          dataSourceOptions({
            url: database.url,
            poolMax: 2,
            migrations: catalogMigrations,
            migrationsRun: false,
            migrationLockKey: CATALOG_MIGRATION_LOCK_KEY,
          }),
        ),
    );
    try {
      await Promise.all(sources.map((source) => source.initialize()));
      const results = await Promise.all(
        sources.map((source) => runMigrationsLocked(source, CATALOG_MIGRATION_LOCK_KEY)),
      );
      expect(results.map((applied) => applied.length).sort()).toEqual([
        0,
        catalogMigrations.length,
      ]);
      const [first] = sources;
      const rows: Array<{ name: string }> = await defined(first).query(
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(rows.map((row) => row.name)).toEqual(
        catalogMigrations.map((migration) => migration.name),
      );
      const genres: Array<{ count: string }> = await defined(first).query(
        'SELECT count(*) FROM genres',
      );
      expect(Number(genres[0]?.count)).toBe(16);
    } finally {
      await Promise.all(
        sources.map((source) => (source.isInitialized ? source.destroy() : undefined)),
      );
      await database.dispose();
    }
  });
});
