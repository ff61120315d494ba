import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { isMainThread } from 'node:worker_threads';
import { currentRequestId } from './request-context';

/** Lines are written once this many bytes wait (about a dozen request lines)... */
const LOG_BUFFER_BYTES = 3072;
/**
 * ...in writes of whole lines of at most PIPE_BUF bytes, which reach a pipe whole, never mixed
 * with another writer's (a worker thread's lines)...
 */
const LOG_WRITE_BYTES = 4096;
/** ...and whatever waits, every this many milliseconds (the longest a line waits). */
export const LOG_FLUSH_MS = 100;

let processOutput: DestinationStream | undefined;

/**
 * The process's standard output, shared by its loggers so their lines keep their order and never
 * interleave. Written in batches (pino's `minLength`): with LOG_LEVEL=info, as the chart deploys,
 * a line per request written on its own cost the gateway about a fifth more CPU per cached read
 * (docs/performance.md, the request log). The main thread writes a batch itself, synchronously
 * (pino's default), not through libuv's thread pool: a hand-off to a pool thread and back per
 * batch cost more than the write. A line waits LOG_FLUSH_MS at most; what waits is written when
 * the process exits, and lost only with the process killed outright (SIGKILL, OOM). A reader
 * that falls behind by a whole pipe (a stalled log collector) holds the process back: sonic-boom
 * tries the write again every 100 ms, where the thread pool's writes kept every waiting line in
 * memory, without bound. A worker thread writes each of its lines at once, asynchronously, as
 * before: nothing would flush its batch when it ends.
 */
function output(): DestinationStream {
  if (processOutput) return processOutput;
  if (!isMainThread) return (processOutput = pino.destination({ dest: 1, sync: false }));
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: LOG_BUFFER_BYTES,
    maxWrite: LOG_WRITE_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  });
  // pino flushes on exit for asynchronous destinations only.
  process.once('exit', () => destination.flushSync());
  return (processOutput = destination);
}

let stampedAt = Number.NaN;
let stamp = '';

/**
 * pino's `isoTime`, its text made once per millisecond instead of once per line: a busy gateway
 * writes several request lines a millisecond, and a Date and its ISO string per line were about
 * 1% of a cached read's CPU in its profile (docs/performance.md).
 */
function isoTimeOncePerMs(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

/**
 * One JSON logger per process. The request id comes from AsyncLocalStorage through a mixin, so
 * HTTP handlers and gRPC handlers log it alike (nestjs-pino only covers HTTP requests).
 */
export function createLogger(service: string, level: string): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: isoTimeOncePerMs,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: {
        paths: ['*.password', '*.authorization', '*.token', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    output(),
  );
}

/** Routes NestJS's own log lines into the process's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
