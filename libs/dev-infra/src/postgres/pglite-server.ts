// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations (see the file), not a module to import
/// <reference path="./pglite-contrib.d.ts" />
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { sharedSession } from './pglite-session';

export interface PgliteServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Omit for an in-memory database. */
  dataDir?: string;
}

export interface RunningPgliteServer {
  host: string;
  port: number;
  /** Connection URL for `pg` or psql. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Connections served at once: every replica of a service holds one, and psql sessions come on
 * top. Past it the socket is closed at once.
 */
export const PGLITE_MAX_CONNECTIONS = 64;

/**
 * The contrib extensions PGlite makes available to CREATE EXTENSION, as a PostgreSQL server with
 * its contrib package has them: trigram similarity and edit distance, for typo-tolerant search.
 */
const EXTENSIONS: PGliteOptions['extensions'] = { pg_trgm, fuzzystrmatch };

/** Whether a data directory holds an initialised database (initdb has run there). */
export function isInitialisedDataDir(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/** Runs initdb in a data directory: opens PGlite there once and closes it. */
export async function initialiseDataDir(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: EXTENSIONS });
  await db.close();
}

/**
 * Runs initdb for a fresh data directory in a process of its own (`script` with `args`, which
 * must call initialiseDataDir). initdb grows PGlite's WebAssembly memory to about 800 MB and
 * WebAssembly memory never shrinks, so a server that ran it itself would keep that for its whole
 * life; one that opens an initialised directory stays at what a warm start takes (about 300 MB).
 */
export async function initialiseInChildProcess(
  dataDir: string,
  script: string,
  args: string[],
): Promise<void> {
  if (isInitialisedDataDir(dataDir)) return;
  await promisify(execFile)(process.execPath, [...process.execArgv, script, ...args]);
  if (!isInitialisedDataDir(dataDir)) throw new Error(`initdb did not initialise ${dataDir}`);
}

/**
 * PostgreSQL (PGlite, compiled to WebAssembly) on a real socket. PGlite is one session that runs
 * one statement at a time; @electric-sql/pglite-socket queues the statements of every connection
 * and, while one connection has a transaction open (or, see sharedSession, an extended-protocol
 * sequence unfinished), runs only that connection's statements, so transactions never interleave
 * (the others wait until it commits or rolls back) and a connection that goes away
 * mid-transaction is rolled back. Several connections (the replicas of a service,
 * a psql beside them) are therefore safe; each process gains nothing from more than one.
 * sharedSession also keeps PGlite from the messages that would stop it for good (protocol
 * errors, a COPY FROM STDIN whose data is not in hand).
 */
export async function startPgliteServer(
  options: PgliteServerOptions = {},
): Promise<RunningPgliteServer> {
  const host = options.host ?? '127.0.0.1';
  // PGlite creates only the last level of its data directory.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: EXTENSIONS,
  });
  const server = new PGLiteSocketServer({
    db: sharedSession(db),
    host,
    port: options.port ?? 0,
    maxConnections: PGLITE_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());
  return {
    host,
    port,
    url: `postgres://postgres@${host}:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
