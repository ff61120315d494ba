import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startPgliteServer } from '../postgres/pglite-server';

export interface TestDatabase {
  url: string;
  /** 1 on PGlite (single session), more on a real server. */
  poolMax: number;
  engine: 'postgresql' | 'pglite';
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a new database on the server named by
 * TEST_DATABASE_URL (CI), otherwise an in-memory PGlite on a free port.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const serverUrl = process.env['TEST_DATABASE_URL'];
  if (!serverUrl) {
    const pglite = await startPgliteServer();
    return { url: pglite.url, poolMax: 1, engine: 'pglite', dispose: () => pglite.stop() };
  }
  const name = databaseIdentifier(`${prefix}_${randomBytes(4).toString('hex')}`);
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    poolMax: 10,
    engine: 'postgresql',
    dispose: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Where a test system's services keep their data, and how to remove it after. */
export interface TestSystemDatabases {
  /** What the launcher is given: DATABASE_URL and a DATABASE_NAME_PREFIX, or neither (PGlite). */
  env: Record<string, string>;
  /** Drops every database the prefix names: those of a start that failed halfway too. */
  drop(): Promise<void>;
}

/**
 * A test system's databases on a PostgreSQL server (TEST_DATABASE_URL under CI), each named with
 * a prefix of this system's own, so systems side by side never share one; without a server the
 * launcher's embedded PGlite servers keep them in the system's data directory (`env` is empty).
 */
export function testSystemDatabases(
  label: string,
  serverUrl: string | undefined,
): TestSystemDatabases {
  if (!serverUrl) return { env: {}, drop: async () => undefined };
  const prefix = databaseIdentifier(`${label}_${process.pid}_${Date.now().toString(36)}`);
  return {
    env: { DATABASE_URL: serverUrl, DATABASE_NAME_PREFIX: prefix },
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ datname: string }>(
          "SELECT datname FROM pg_database WHERE starts_with(datname, $1 || '_')",
          [prefix],
        );
        for (const { datname } of rows)
          await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A database name (or the prefix of some) that needs no quoting care: lower case, digits, `_`. */
function databaseIdentifier(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
