import type { FastifyCorsOptions } from '@fastify/cors';
import { PROFILE_HEADER, TRACE_ID_HEADER, TRACE_RESPONSE_HEADER } from '@kinema/contracts';

/**
 * What a web app on another origin may do: every method the API has, the request headers it
 * reads, and the response headers a client needs (validators, paging, retry, byte ranges).
 */
export function corsOptions(origins: readonly string[]): FastifyCorsOptions {
  return {
    origin: origins.includes('*') ? true : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'if-match',
      'if-none-match',
      'if-range',
      'range',
      'x-request-id',
      // W3C Trace Context: a traced web app continues its trace into the API.
      'traceparent',
      'tracestate',
      PROFILE_HEADER,
    ],
    exposedHeaders: [
      'accept-ranges',
      'content-range',
      'etag',
      'location',
      'retry-after',
      'x-request-id',
      'x-served-by',
      TRACE_ID_HEADER,
      TRACE_RESPONSE_HEADER,
    ],
    // Browsers cache a preflight this long (Chromium caps it at 2 hours).
    maxAge: 600,
    // An OPTIONS without Origin or Access-Control-Request-Method is no preflight but a plain HTTP
    // OPTIONS (`curl -X OPTIONS`), answered 204 with the methods like a preflight. Strict, the
    // plugin answered it 400 in text/plain ("Invalid Preflight Request"), the one error of the
    // API that was no problem+json; a browser sends both headers with every preflight.
    strictPreflight: false,
  };
}

/**
 * What @fastify/cors adds, with these options, to the answer of a request that sends no Origin:
 * `Vary: Origin` when the allowed origin depends on the request, and the exposed headers. Early
 * answers (early-answers.ts), which take only such requests, send these themselves.
 */
export function corsHeadersWithoutOrigin(options: FastifyCorsOptions): Record<string, string> {
  const exposed = options.exposedHeaders;
  return {
    ...(typeof options.origin === 'string' ? {} : { vary: 'Origin' }),
    ...(exposed === undefined
      ? {}
      : { 'access-control-expose-headers': Array.isArray(exposed) ? exposed.join(', ') : exposed }),
  };
}
