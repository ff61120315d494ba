import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client, type ClientConfig } from 'pg';
import { withLoadedDump } from '../testing/load-dump';
import { startPgliteServer, type RunningPgliteServer } from './pglite-server';

const PSQL = '/usr/bin/psql';
const run = promisify(execFile);

describe('the PGlite server keeps each client apart, as PostgreSQL gives each its own session', () => {
  let server: RunningPgliteServer;
  const clients: Client[] = [];

  const connect = async (config: ClientConfig = {}): Promise<Client> => {
    const client = new Client({ connectionString: server.url, ...config });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  const value = async (client: Client, sql: string): Promise<unknown> =>
    Object.values((await client.query(sql)).rows[0] ?? {})[0];

  beforeAll(async () => {
    // A short bound for a transaction left open while others wait, so the test need not wait 5 s.
    server = await startPgliteServer({ idleInTransactionLimitMs: 500 });
    const setup = await connect();
    await setup.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await setup.query("INSERT INTO notes VALUES (1, 'kept')");
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await server?.stop();
  });

  it("never lets one client's SET reach another", async () => {
    const [setter, other] = [await connect(), await connect()];
    const searchPath = await value(other, 'SHOW search_path');
    await setter.query('SET search_path = pg_catalog');
    await setter.query("SET application_name = 'setter'");
    // Unqualified names still resolve for the other client (they would not under pg_catalog).
    expect(await value(other, 'SELECT count(*)::int FROM notes')).toBe(1);
    expect(await value(other, 'SHOW search_path')).toBe(searchPath);
    expect(await value(other, 'SHOW application_name')).toBe('');
    // And the setter still has its own, after the other ran in between.
    expect(await value(setter, 'SHOW search_path')).toBe('pg_catalog');
    expect(await value(setter, 'SHOW application_name')).toBe('setter');
    await expect(setter.query('SELECT count(*) FROM notes')).rejects.toThrow(/does not exist/);
  });

  it('gives a client the settings of its start-up parameters, and only that client', async () => {
    const tuned = await connect({
      options: '-c statement_timeout=1234',
      application_name: 'tuned',
    });
    const plain = await connect();
    expect(await value(tuned, 'SHOW statement_timeout')).toBe('1234ms');
    expect(await value(plain, 'SHOW statement_timeout')).toBe('0');
    expect(await value(tuned, 'SHOW application_name')).toBe('tuned');
  });

  it('keeps SQL PREPARE names per client, DEALLOCATE ALL included', async () => {
    const [first, second] = [await connect(), await connect()];
    await first.query('PREPARE answer AS SELECT 1 AS n');
    await second.query('PREPARE answer AS SELECT 2 AS n');
    expect(await value(first, 'EXECUTE answer')).toBe(1);
    expect(await value(second, 'EXECUTE answer')).toBe(2);
    await first.query('DEALLOCATE ALL');
    await expect(first.query('EXECUTE answer')).rejects.toThrow(/does not exist/);
    expect(await value(second, 'EXECUTE answer')).toBe(2);
  });

  it('answers DISCARD ALL for the client that sends it only', async () => {
    const [discarding, other] = [await connect(), await connect()];
    await discarding.query("SET TimeZone = 'Asia/Tokyo'");
    await discarding.query('PREPARE mine AS SELECT 1');
    await other.query('PREPARE theirs AS SELECT 3 AS n');
    await discarding.query('DISCARD ALL');
    expect(await value(discarding, 'SHOW TimeZone')).not.toBe('Asia/Tokyo');
    await expect(discarding.query('EXECUTE mine')).rejects.toThrow(/does not exist/);
    expect(await value(other, 'EXECUTE theirs')).toBe(3);
  });

  it('discards what a client leaves behind when it disconnects', async () => {
    const leaving = await connect();
    await leaving.query('CREATE TEMP TABLE scratch (n int)');
    await leaving.query('SET work_mem = 12345');
    await leaving.query('PREPARE left_behind AS SELECT 1');
    await leaving.query('BEGIN');
    await leaving.query("INSERT INTO notes VALUES (9, 'never committed')");
    await leaving.end();
    const next = await connect();
    expect(await value(next, "SELECT to_regclass('pg_temp.scratch')::text")).toBeNull();
    expect(
      await value(
        next,
        "SELECT count(*)::int FROM pg_prepared_statements WHERE name LIKE '%left_behind'",
      ),
    ).toBe(0);
    expect(await value(next, 'SHOW work_mem')).not.toBe('12345kB');
    expect(await value(next, 'SELECT count(*)::int FROM notes')).toBe(1);
  });

  it('cuts off a client idle in a transaction that others wait for, with a clear error', async () => {
    const [holder, waiter] = [await connect(), await connect()];
    const holderError = new Promise<Error>((resolve) => holder.once('error', resolve));
    await holder.query('BEGIN');
    await holder.query("INSERT INTO notes VALUES (10, 'draft')");
    // Waits for the holder's transaction, which is rolled back when the holder is cut off.
    expect(await value(waiter, 'SELECT count(*)::int FROM notes')).toBe(1);
    const error = (await holderError) as Error & { code?: string };
    expect(error.code).toBe('25P03');
    expect(error.message).toMatch(/idle-in-transaction timeout/);
  });

  it.each([
    ['a database', '/nope', '3D000', /database "nope" does not exist/],
    ['a role', '/postgres', '28000', /role "root" does not exist/],
  ])("refuses %s it does not serve with PostgreSQL's error", async (_, path, code, message) => {
    const url = new URL(server.url);
    url.pathname = path;
    if (code === '28000') url.username = 'root';
    const client = new Client({ connectionString: url.toString() });
    client.on('error', () => undefined);
    const refused = (await client.connect().then(
      () => new Error('connected'),
      (error: Error) => error,
    )) as Error & { code?: string };
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
  });

  (existsSync(PSQL) ? it : it.skip)(
    "is not broken by psql's `set search_path` (skipped without /usr/bin/psql)",
    async () => {
      const service = await connect();
      await run(PSQL, [server.url, '-v', 'ON_ERROR_STOP=1', '-c', 'set search_path=pg_catalog']);
      expect(await value(service, 'SELECT count(*)::int FROM notes')).toBe(1);
    },
  );

  it('is left as it was by a dump: the clients write again, with their own settings', async () => {
    const writer = await connect();
    const searchPath = await value(writer, 'SHOW search_path');
    expect(await server.dump()).toMatch(/CREATE TABLE public\.notes/);
    // pg_dump reads in a read-only transaction that a server ends when pg_dump disconnects; on
    // PGlite's one session nothing did, and every write after a dump failed.
    await writer.query("INSERT INTO notes VALUES (2, 'after the dump')");
    expect(await value(writer, 'SHOW search_path')).toBe(searchPath);
    const other = await connect();
    expect(await value(other, 'SELECT body FROM notes WHERE id = 2')).toBe('after the dump');
    await other.query('DELETE FROM notes WHERE id = 2');
  });

  const serverUrl = process.env['TEST_DATABASE_URL'];
  (serverUrl && existsSync(PSQL) ? it : it.skip)(
    'dumps plain SQL that psql loads into an empty database on the PostgreSQL server (needs TEST_DATABASE_URL)',
    async () => {
      const service = await connect();
      await service.query({
        name: 'kept_across_dump',
        text: 'SELECT count(*)::int AS n FROM notes',
      });
      const dump = await server.dump();
      expect(dump).toMatch(/CREATE TABLE public\.notes/);
      // The dump leaves the other clients' prepared statements alone.
      expect(
        (
          await service.query({
            name: 'kept_across_dump',
            text: 'SELECT count(*)::int AS n FROM notes',
          })
        ).rows,
      ).toEqual([{ n: 1 }]);
      await withLoadedDump(serverUrl ?? '', dump, async (psql) =>
        expect(await psql('SELECT body FROM notes')).toBe('kept'),
      );
    },
  );
});
