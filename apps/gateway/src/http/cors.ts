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
  };
}
