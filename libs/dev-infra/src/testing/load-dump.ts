import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/**
 * Loads a plain SQL dump with `psql -v ON_ERROR_STOP=1` (any error fails the load) into a new
 * database on the PostgreSQL server at `serverUrl`, hands `check` a psql that queries it, then
 * drops the database.
 */
export async function withLoadedDump<T>(
  serverUrl: string,
  sql: string,
  check: (psql: (query: string) => Promise<string>) => Promise<T>,
): Promise<T> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  const database = `kinema_dump_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'kinema-dump-'));
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    const target = new URL(serverUrl);
    target.pathname = `/${database}`;
    writeFileSync(join(dir, 'dump.sql'), sql);
    await run('psql', [
      target.toString(),
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-f',
      join(dir, 'dump.sql'),
    ]);
    return await check(async (query) =>
      (await run('psql', [target.toString(), '-Atc', query])).stdout.trim(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}
