import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  controlSocketPath,
  serveControlSocket,
  uncachedCatalogPath,
  withLoadedDump,
} from '@kinema/dev-infra';
import { Client } from 'pg';
import { request, startTestSystem, type TestSystem } from './support/system';

const KINEMA = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/kinema.js');
const PSQL = '/usr/bin/psql';
const run = promisify(execFile);

describe('the embedded PostgreSQL (PGlite) of a running system, used by other clients', () => {
  let system: TestSystem;
  let control: Server;
  let dataDir: string;
  let catalogDatabase: string;
  const clients: Client[] = [];

  const connect = async (): Promise<Client> => {
    const client = new Client({ connectionString: catalogDatabase });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  /** A page no cache holds: the catalog reads its database for it. */
  const uncachedRead = () => request(system.gatewayUrl, uncachedCatalogPath());

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kinema-pglite-clients-'));
    system = await startTestSystem(20, {}, { dataDir, embeddedDatabase: true });
    control = await serveControlSocket(controlSocketPath(dataDir), system, () => () => undefined);
    catalogDatabase = `postgres://postgres@${system.supervisor.address('pglite', 'postgres-catalog')}/postgres`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    control?.close();
    await system?.dispose();
  });

  it('lets a client set search_path and prepare statements without touching the services or another client', async () => {
    const other = await connect();
    const searchPath = (await other.query('SHOW search_path')).rows[0];
    const explorer = await connect();
    await explorer.query('SET search_path = pg_catalog');
    await explorer.query('PREPARE titles_seen AS SELECT count(*)::int AS n FROM public.titles');
    if (existsSync(PSQL)) {
      await run(PSQL, [
        catalogDatabase,
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        'set search_path=pg_catalog',
      ]);
    }
    // Under pg_catalog the catalog's unqualified `titles` would not exist: every read would be a 500.
    for (let i = 0; i < 5; i++) expect((await uncachedRead()).status).toBe(200);
    expect((await other.query('SHOW search_path')).rows[0]).toEqual(searchPath);
    await other.query('PREPARE titles_seen AS SELECT 2 AS n');
    expect((await other.query('EXECUTE titles_seen')).rows).toEqual([{ n: 2 }]);
    expect((await explorer.query('EXECUTE titles_seen')).rows[0]?.n).toBeGreaterThan(0);
  });

  it("delays a read behind another client's idle transaction, and does not fail it", async () => {
    const idle = await connect();
    await idle.query('BEGIN');
    await idle.query('SELECT count(*) FROM titles');
    // As a psql user who typed BEGIN and stopped: the read waits for PGlite's one session until the
    // idle transaction is cut off, well inside the gateway's deadline for its call.
    const read = await uncachedRead();
    expect(read.status).toBe(200);
    // The idle client was cut off, as PostgreSQL's idle_in_transaction_session_timeout does.
    await expect(idle.query('SELECT 1')).rejects.toThrow();
  });

  const serverUrl = process.env['TEST_DATABASE_URL'];
  (serverUrl && existsSync(PSQL) ? it : it.skip)(
    '`kinema pg-dump catalog` prints a plain SQL dump that psql loads into an empty database (needs TEST_DATABASE_URL)',
    async () => {
      const { stdout } = await run(
        process.execPath,
        [KINEMA, 'pg-dump', 'catalog', '--data-dir', dataDir],
        { maxBuffer: 256 * 1024 * 1024 },
      );
      expect(stdout).toMatch(/CREATE TABLE public\.titles/);
      const after = await connect();
      // The catalog's database takes writes again: pg_dump's read-only transaction is over.
      await after.query('CREATE TABLE written_after_dump (id int)');
      await after.query('DROP TABLE written_after_dump');
      const titles = (await after.query('SELECT count(*)::int AS n FROM public.titles')).rows[0]?.n;
      await withLoadedDump(serverUrl ?? '', stdout, async (psql) =>
        expect(Number(await psql('SELECT count(*) FROM titles'))).toBe(titles),
      );
    },
  );

  it('`kinema pg-dump` names the services it can dump when given another', async () => {
    const failed = await run(process.execPath, [
      KINEMA,
      'pg-dump',
      'gateway',
      '--data-dir',
      dataDir,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/one of: catalog, users, videos/);
  });
});
