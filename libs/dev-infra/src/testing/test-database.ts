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
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
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
