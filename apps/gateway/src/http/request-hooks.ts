import { currentServedBy, httpRequestDuration, runWithRequestId } from '@kinema/platform';
import { SERVED_BY_METADATA } from '@kinema/contracts';
import type { FastifyInstance } from 'fastify';
import { hostname } from 'node:os';
import type { Logger } from 'pino';

/** This replica's name, as `x-served-by` reports it (the pod's name on Kubernetes). */
export const GATEWAY_POD = process.env['POD_NAME'] ?? hostname();

/**
 * Fastify hooks around every request: the request id (accepted from `x-request-id` or made up
 * by genReqId) is echoed and put in async context for logs and onward gRPC metadata; the pods
 * that served it are listed in `x-served-by`; duration is recorded by route template.
 */
export function registerRequestHooks(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    runWithRequestId(String(request.id), done);
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    // This replica, then each service replica that answered: the spread over replicas is visible.
    void reply.header(SERVED_BY_METADATA, [GATEWAY_POD, ...currentServedBy()].join(', '));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    httpRequestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      seconds,
    );
    if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
      logger.info(
        {
          method: request.method,
          url: redactQuery(request.url),
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    done();
  });
}

const SECRET_PARAMS = /([?&](?:grant|access_token|token)=)[^&]*/g;

/** Playback grants and tokens in query strings are credentials: they never reach the logs. */
export function redactQuery(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}
