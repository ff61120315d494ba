import { LOCAL_SERVICE_PORTS, type ListenerName } from '@kinema/contracts/supervision';
import { portFlag } from '../net/port-flag';
import { PGLITE_DATABASE, PGLITE_USER, type PgliteNames } from './pglite-wire-server';

/** One database the PGlite CLI serves: its listener, port, data directory and names. */
export interface PgliteCliDatabase {
  listener: ListenerName;
  port: number;
  /** Undefined: in memory. */
  dataDir: string | undefined;
  names: PgliteNames;
}

/** The per-database options of the PGlite CLI, as parseArgs gives them (`multiple: true`). */
export interface PgliteCliValues {
  listener?: string[];
  port?: string[];
  'data-dir'?: string[];
  user?: string[];
  database?: string[];
}

/** The port of a single database when none is given: the catalog's under `npm start`. */
const DEFAULT_PORT = String(LOCAL_SERVICE_PORTS.catalog.pglite);

/**
 * The databases the options name: `--port` once per database, and each of `--listener`,
 * `--data-dir`, `--user` and `--database` either as often (the n-th of each belongs to the n-th
 * database) or not at all (its default for every database: listener `postgres`, the only one
 * allowed with one database; in memory; user and database `postgres`).
 */
export function pgliteCliDatabases(values: PgliteCliValues): PgliteCliDatabase[] {
  const ports = values.port ?? [DEFAULT_PORT];
  const nth = (option: keyof PgliteCliValues, fallback?: string) => {
    const given = values[option];
    if (given !== undefined && given.length !== ports.length) {
      throw new Error(
        `--${option} is given ${given.length} times for ${ports.length} databases (--port): once per database, or never`,
      );
    }
    return (i: number) => given?.[i] ?? fallback;
  };
  if (ports.length > 1 && values.listener === undefined) {
    throw new Error('several databases need a --listener each (postgres-<name>)');
  }
  const listener = nth('listener', 'postgres');
  const dataDir = nth('data-dir');
  const user = nth('user', PGLITE_USER);
  const database = nth('database', PGLITE_DATABASE);
  const databases = ports.map((port, i): PgliteCliDatabase => {
    const name = listener(i) ?? 'postgres';
    if (name !== 'postgres' && !name.startsWith('postgres-')) {
      throw new Error(
        `--listener must be postgres or postgres-<name>, got ${JSON.stringify(name)}`,
      );
    }
    return {
      listener: name as ListenerName,
      port: portFlag('port', port),
      dataDir: dataDir(i),
      names: { user: user(i) ?? PGLITE_USER, database: database(i) ?? PGLITE_DATABASE },
    };
  });
  const listeners = new Set(databases.map((entry) => entry.listener));
  if (listeners.size < databases.length) throw new Error('each --listener must be named once');
  return databases;
}
