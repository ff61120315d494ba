import type { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools';

/**
 * pg_dump of a PGlite database as plain SQL, by PGlite's own build of pg_dump (the server's
 * version: Debian's pg_dump 15 refuses a newer server). Meant to load into any PostgreSQL from 15
 * on with `psql -v ON_ERROR_STOP=1 -f`: owners and privileges are left out (the loading role owns
 * everything), and the settings that pg_dump of this version sets but older servers do not know
 * are dropped from the preamble.
 *
 * `pg` must have the session to itself (PgliteSession.exclusive, which also ends the read-only
 * transaction pg_dump leaves open): pg_dump speaks to PGlite's one session directly. pgDump ends
 * with `DEALLOCATE ALL`, which would take every client's prepared statements with it; only the
 * statements pg_dump prepared itself are deallocated instead.
 */
export async function dumpDatabase(pg: PGlite): Promise<string> {
  const before = await preparedStatements(pg);
  const guarded = new Proxy(pg, {
    get(target, property) {
      if (property === 'exec') {
        return async (sql: string) =>
          /^\s*deallocate\s+all\s*;?\s*$/i.test(sql) ? [] : target.exec(sql);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  const file = await pgDump({ pg: guarded, args: ['--no-owner', '--no-privileges'] });
  for (const name of await preparedStatements(pg)) {
    if (!before.has(name)) await pg.exec(`DEALLOCATE "${name.replace(/"/g, '""')}"`);
  }
  return forOlderServers(await file.text());
}

async function preparedStatements(pg: PGlite): Promise<Set<string>> {
  const { rows } = await pg.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
  return new Set(rows.map((row) => row.name));
}

/**
 * Settings pg_dump's preamble sets that a server older than the dump's does not know (an unknown
 * setting is an error, which ON_ERROR_STOP turns into a failed load): each only turns off a limit
 * that older servers do not have.
 */
const NEWER_SETTINGS = ['transaction_timeout'];

function forOlderServers(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !NEWER_SETTINGS.some((name) => line.startsWith(`SET ${name} = `)))
    .join('\n');
}
