import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from '../net/listen';
import { ingestTraces } from './otlp-ingest.handler';
import type { TraceStoreLimits } from './span-record.types';
import { DEFAULT_TRACE_STORE_LIMITS, TraceStore } from './trace.store';
import { answerTraceQuery, problem, type Problem } from './trace-query.handler';

/** The largest export body taken, before and after gzip (the Collector's default is 20 MiB). */
export const OTLP_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface OtlpReceiverOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port; default 0. */
  port?: number;
  limits?: TraceStoreLimits;
  maxBodyBytes?: number;
}

export interface RunningOtlpReceiver {
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:PORT, what OTEL_EXPORTER_OTLP_ENDPOINT names. */
  url: string;
  store: TraceStore;
  stop(): Promise<void>;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

function sendProblem(res: ServerResponse, body: Problem, extra: Record<string, string> = {}): void {
  sendJson(res, body.status, body, extra);
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  store: TraceStore,
  maxBodyBytes: number,
): Promise<void> {
  const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
  const method = req.method ?? 'GET';
  if (path === '/v1/traces') {
    if (method === 'POST') return ingestTraces(req, res, store, maxBodyBytes);
    req.resume();
    return sendProblem(
      res,
      { ...problem(405, 'export traces with POST /v1/traces'), title: 'Method Not Allowed' },
      { allow: 'POST' },
    );
  }
  req.resume();
  if (path === '/v1/metrics' || path === '/v1/logs') {
    return sendProblem(
      res,
      problem(
        404,
        `this receiver collects traces only (POST /v1/traces), not ${path.slice(4)}; every process serves its metrics on /metrics and logs to the terminal`,
      ),
    );
  }
  if (path.startsWith('/api/')) {
    if (method !== 'GET' && method !== 'HEAD') {
      return sendProblem(
        res,
        { ...problem(405, 'the query API answers GET only'), title: 'Method Not Allowed' },
        { allow: 'GET' },
      );
    }
    const answer = answerTraceQuery(store, path, new URLSearchParams(query));
    return sendJson(res, answer.status, answer.body);
  }
  sendProblem(
    res,
    problem(
      404,
      'OTLP/HTTP traces go to POST /v1/traces; the query API is under /api (see the README)',
    ),
  );
}

/** Starts the embedded OTLP/HTTP trace receiver with its query API. */
export async function startOtlpReceiver(
  options: OtlpReceiverOptions = {},
): Promise<RunningOtlpReceiver> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? OTLP_MAX_BODY_BYTES;
  const store = new TraceStore(options.limits ?? DEFAULT_TRACE_STORE_LIMITS);
  const server = createServer((req, res) => {
    route(req, res, store, maxBodyBytes).catch((error: unknown) => {
      // A bug must not take the receiver (and every trace in it) down: answer 500 and carry on.
      process.stderr.write(
        `otlp receiver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (res.headersSent) res.destroy();
      else
        sendProblem(res, {
          ...problem(500, 'the receiver failed on this request'),
          title: 'Internal Server Error',
        });
    });
  });
  // A client that trickles its body must not hold a connection for Node's default 5 minutes.
  server.requestTimeout = 30_000;
  await listen(server, options.port ?? 0, host, 'otlp receiver');
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  };
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    store,
    stop: () => (stopping ??= stop()),
  };
}
