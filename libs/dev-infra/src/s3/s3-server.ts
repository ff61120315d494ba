// A focused S3 server on node:http, written because s3rver 3.7.1 (tried first, with the SDK's
// default client settings) failed Kinema's needs: it stored aws-chunked bodies (the SDK's default
// for streamed uploads, STREAMING-UNSIGNED-PAYLOAD-TRAILER) with their framing as the object's
// bytes; answered ListMultipartUploads with 501 and ListParts/AbortMultipartUpload with 405;
// served `bytes=-N` as the first N+1 bytes; ignored If-Match; and wrote the key
// "../../../escape.txt" outside its data directory. Details and the exact errors: README.md.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen } from '../net/listen';
import { ObjectStore } from './object-store';
import { handleS3Request, S3Logger, S3Stores } from './s3-router';
import { UploadStore } from './upload-store';

export interface S3ServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port; default 0. */
  port?: number;
  /** Omit for a fresh temp dir removed on stop; a given directory is kept and reloaded on restart. */
  dataDir?: string;
  /** Created on start if missing. */
  buckets?: string[];
  logger?: S3Logger;
  /** Told of every request as it arrives (a test's request log: method, URL and headers). */
  onRequest?: (request: S3RequestRecord) => void;
}

/** One request as the server received it. */
export interface S3RequestRecord {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RunningS3Server {
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:PORT */
  endpoint: string;
  stop(): Promise<void>;
}

const silentLogger: S3Logger = { info: () => undefined, warn: () => undefined };

/** Starts the embedded S3-compatible server (path-style, any credentials accepted). */
export async function startS3Server(options: S3ServerOptions = {}): Promise<RunningS3Server> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'kinema-s3-')));
  const server = createServer((req, res) => {
    options.onRequest?.({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers });
    void handleS3Request(stores, req, res, logger);
  });
  // Node's 5-minute whole-request limit would cut off a multi-GiB upload on a busy machine.
  server.requestTimeout = 0;
  // Longer than the SDK's idle sockets live, so the server never closes one the SDK is about to reuse.
  server.keepAliveTimeout = 65_000;
  let stores: S3Stores;
  try {
    const store = await ObjectStore.open(dataDir);
    stores = { store, uploads: await UploadStore.open(store) };
    for (const bucket of options.buckets ?? [])
      if (!store.hasBucket(bucket)) await store.createBucket(bucket);
    await listen(server, options.port ?? 0, host, 's3 server');
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info(`s3 server listening on ${endpoint} (data in ${dataDir})`);
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const closed = once(server, 'close');
    server.close();
    // Idle keep-alive sockets and in-flight transfers would otherwise hold close() open.
    server.closeAllConnections();
    await closed;
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    host,
    port,
    endpoint,
    stop: () => (stopping ??= stop()),
  };
}
