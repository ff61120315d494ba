// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations (see the file), not a module to import
/// <reference path="./pglite-contrib.d.ts" />
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations (see the file), not a module to import
/// <reference path="./webassembly.d.ts" />
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { dumpDatabase } from './pglite-dump';
import { PgliteSession } from './pglite-session';
import {
  PGLITE_DATABASE,
  PGLITE_USER,
  PgliteWireServer,
  type PgliteNames,
} from './pglite-wire-server';

export interface PgliteServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Omit for an in-memory database. */
  dataDir?: string;
  /** See PGLITE_IDLE_IN_TRANSACTION_LIMIT_MS. */
  idleInTransactionLimitMs?: number;
  /** The role and database name clients use (postgres and postgres by default). */
  names?: PgliteNames;
  /** PGlite's compiled WebAssembly and file bundle, when several databases share a process. */
  runtime?: PgliteRuntime;
}

/**
 * PGlite's program as several databases of one process share it: the WebAssembly module compiled
 * once (V8 keeps one copy of its machine code for every instance of a module; left to PGlite,
 * databases opened at once each compile their own) and the bundle of its files, read once.
 */
export interface PgliteRuntime {
  wasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

/** Compiles PGlite's WebAssembly and reads its file bundle, for startPgliteServer's `runtime`. */
export async function loadPgliteRuntime(): Promise<PgliteRuntime> {
  // Beside the package's entry point; its exports do not name these files.
  const dist = dirname(require.resolve('@electric-sql/pglite'));
  const [wasm, bundle] = await Promise.all([
    readFile(join(dist, 'pglite.wasm')),
    readFile(join(dist, 'pglite.data')),
  ]);
  return { wasmModule: await WebAssembly.compile(wasm), fsBundle: new Blob([bundle]) };
}

export interface RunningPgliteServer {
  host: string;
  port: number;
  /** Connection URL for `pg` or psql. */
  url: string;
  /** A plain SQL dump of the database (pg_dump's, see dumpDatabase). */
  dump(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Connections served at once: every replica of a service holds one, and psql sessions come on
 * top. Past it a client is refused (53300), as by PostgreSQL's max_connections.
 */
export const PGLITE_MAX_CONNECTIONS = 64;

/**
 * The contrib extensions PGlite makes available to CREATE EXTENSION, as a PostgreSQL server with
 * its contrib package has them: trigram similarity and edit distance, for typo-tolerant search.
 */
const EXTENSIONS: PGliteOptions['extensions'] = { pg_trgm, fuzzystrmatch };

/**
 * PostgreSQL's settings for a demo-sized database, on top of PGlite's own. Emscripten zero-fills
 * PostgreSQL's shared memory when it is mapped, so all of it is resident in the PGlite process
 * from the start: PGlite's defaults (128 MB of shared buffers, max_connections 100) made it 145 MB
 * per database. 8 MB of buffers holds the demo catalog's tables and indexes (5.5 MB after the
 * seed; uncached reads then find every page there, pg_stat_database's blks_read stays flat), and
 * max_connections only sizes per-backend tables here: PGlite is one backend, whatever number of
 * clients the wire server takes (PGLITE_MAX_CONNECTIONS). 12 MB of shared memory per database
 * instead of 24 with 16 MB and 100 (docs/performance.md, memory of the whole demo).
 */
const START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  ...['-c', 'shared_buffers=8MB', '-c', 'max_connections=8'],
];

/** Runs initdb in a data directory: opens PGlite there once and closes it. */
export async function initialiseDataDir(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: EXTENSIONS });
  await db.close();
}

/**
 * PostgreSQL (PGlite, compiled to WebAssembly) on a real socket, for several clients at once: the
 * replicas of a service, a psql or pg_dump beside them. PGlite is one session running one
 * statement at a time; PgliteSession keeps each client's transactions, settings, prepared
 * statements and leftovers apart on it, as PostgreSQL's backend per connection would.
 */
export async function startPgliteServer(
  options: PgliteServerOptions = {},
): Promise<RunningPgliteServer> {
  const host = options.host ?? '127.0.0.1';
  // PGlite creates only the last level of its data directory.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.runtime
      ? { pgliteWasmModule: options.runtime.wasmModule, fsBundle: options.runtime.fsBundle }
      : {}),
    extensions: EXTENSIONS,
    startParams: [...START_PARAMS],
  });
  const session = new PgliteSession(db, options.idleInTransactionLimitMs);
  const names = options.names ?? { user: PGLITE_USER, database: PGLITE_DATABASE };
  const server = new PgliteWireServer(db, session, PGLITE_MAX_CONNECTIONS, names);
  let port: number;
  try {
    port = await server.listen(host, options.port ?? 0);
  } catch (error) {
    session.stop();
    await db.close();
    throw error;
  }
  return {
    host,
    port,
    url: `postgres://${names.user}@${host}:${port}/${names.database}`,
    dump: () => session.exclusive((pg) => dumpDatabase(pg)),
    stop: async () => {
      await server.close();
      session.stop();
      await db.close();
    },
  };
}
