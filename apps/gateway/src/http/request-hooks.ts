import {
  callerController,
  currentServedBy,
  runWithRequestId,
  traceFields,
} from '@kinema/platform/logging';
import { REPLICA_NAME } from '@kinema/platform/config';
import { httpRequestDuration, observeTraced } from '@kinema/platform/ops';
import { OPS_ROUTES, SERVED_BY_METADATA } from '@kinema/contracts';
import { context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { answeringPath, type AnsweringPath } from './hot-path';
import { endServerSpan, serverSpanContext, startServerSpan } from './server-span';

/**
 * Fastify hooks around every request: the request id (accepted from `x-request-id` or made up
 * by genReqId) is echoed and put in async context for logs and onward gRPC metadata; the pods
 * that served it are listed in `x-served-by`; it runs in a server span of its trace, which
 * `x-trace-id` and `traceresponse` name; every request, however it ends, is logged once, its
 * duration recorded by route template, status and the path that answered it (a hot path's hook
 * or the pipeline), and its span ended.
 */
export function registerRequestHooks(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    const traced = startServerSpan(
      {
        raw: request.raw,
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        protocol: request.protocol,
        ip: request.ip,
      },
      (name, value) => void reply.header(name, value),
    );
    // A response that never finishes (the client went away mid-request, or the answer was written
    // to the socket directly) gets no onResponse: it is logged and measured when it closes, and
    // the reads still made for it are cancelled (callerGoneInterceptor).
    const clientGone = callerController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        clientGone.abort();
        const status = answeredOutsideReply.get(request.raw) ?? CLIENT_CLOSED_REQUEST;
        completed(logger, answered(request, status, reply.elapsedTime));
      }
    });
    context.with(traced, () => runWithRequestId(String(request.id), done, clientGone.signal));
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    // This replica, then each service replica that answered: the spread over replicas is visible.
    void reply.header(SERVED_BY_METADATA, [REPLICA_NAME, ...currentServedBy()].join(', '));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    completed(logger, answered(request, reply.statusCode, reply.elapsedTime));
    done();
  });
}

/**
 * The status of a request whose client closed the connection before it was answered (nginx's
 * 499), in the request log and the duration histogram.
 */
export const CLIENT_CLOSED_REQUEST = 499;

const answeredOutsideReply = new WeakMap<IncomingMessage, number>();

/** Records that a request was answered on its socket, around Fastify's reply (e.g. a 408). */
export function noteAnsweredOutsideReply(request: IncomingMessage, status: number): void {
  answeredOutsideReply.set(request, status);
}

/** A request as its log line and duration sample describe it, once it is answered. */
export interface AnsweredRequest {
  raw: IncomingMessage;
  method: string;
  url: string;
  /** The route template; `unmatched` when no route took the request. */
  route: string;
  path: AnsweringPath;
  status: number;
  ms: number;
  /** The server span an early answer started and kept itself, not for the request. */
  span?: Span;
  /**
   * The request id, for an early answer, which logs outside the request's async context (the
   * pipeline's lines find it, and their trace, there).
   */
  requestId?: string;
}

function answered(request: FastifyRequest, status: number, ms: number): AnsweredRequest {
  return {
    raw: request.raw,
    method: request.method,
    url: request.url,
    route: request.routeOptions.url ?? 'unmatched',
    path: answeringPath(request),
    status,
    ms,
  };
}

/**
 * One log line, one histogram sample and the end of its span per request, however it ended and
 * whichever path answered it (Fastify's hooks call this, and so do early answers).
 */
export function completed(logger: Logger, request: AnsweredRequest): void {
  const { method, route, path, status, ms, requestId } = request;
  // A closed connection reports outside the request's async context: the span is named here.
  const trace = request.span?.spanContext() ?? serverSpanContext(request.raw);
  observeTraced(
    httpRequestDuration,
    { method, route, status_code: String(status), path },
    ms / 1000,
    trace,
  );
  endServerSpan(request.raw, status, request.span);
  // The line is built only when it is written (LOG_LEVEL=warn skips it: a cached read costs the
  // gateway about 0.1 ms, of which redacting and building it took 1-2%).
  if (!OPS_ROUTES.has(route) && logger.isLevelEnabled('info')) {
    const line = { method, url: redactQuery(request.url), route, path, status, ms: Math.round(ms) };
    // An early answer logs outside its request's async context, where the line would find its
    // request id and trace: it names them itself.
    logger.info(
      requestId === undefined ? line : { requestId, ...line, ...traceFields(trace) },
      'request',
    );
  }
}

const SECRET_PARAMS = /([?&](?:grant|access_token|token)=)[^&]*/g;

/** Playback grants and tokens in query strings are credentials: they never reach the logs. */
export function redactQuery(url: string): string {
  // Every name SECRET_PARAMS matches ends in one of these, so most URLs (a cached read's) skip
  // the pattern: 0.3-0.8 µs a line in a profile of cached reads, for the URLs with nothing to hide.
  if (!url.includes('token=') && !url.includes('grant=')) return url;
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
