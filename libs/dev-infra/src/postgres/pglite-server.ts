import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
  /** Connection URL for `pg`; use a pool of one (see below). */
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL (PGlite, compiled to WebAssembly) on a real socket. PGlite is a single session:
 * statements of several connections would interleave inside one transaction, so the server
 * accepts one connection at a time and clients must use a pool of exactly one.
 */
export async function startPgliteServer(
  options: PgliteServerOptions = {},
): Promise<RunningPgliteServer> {
  const host = options.host ?? '127.0.0.1';
  // PGlite creates only the last level of its data directory.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 1 });
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
