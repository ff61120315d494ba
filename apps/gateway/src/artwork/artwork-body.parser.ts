import { ARTWORK_LIMITS, ARTWORK_MEDIA_TYPES } from '@kinema/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// The route pattern (as Fastify names it) that takes a raw image body.
const UPLOAD_ROUTE = '/api/v1/artwork/:kind';

function unsupported(): Error & { statusCode: number } {
  return Object.assign(new Error('This route does not accept an image body.'), {
    statusCode: 415,
  });
}

/** Whether a route (its pattern, as Fastify names it) takes a raw image body. */
export function isArtworkUploadRoute(routeUrl: string): boolean {
  return routeUrl === UPLOAD_ROUTE;
}

/**
 * Reads image bodies on the artwork upload route only, whole, up to ARTWORK_LIMITS.maxBytes
 * (Fastify answers 413 past it, before reading a byte when Content-Length says so). An image
 * crosses to the videos service in one message, so it is buffered, unlike a video.
 */
export function registerArtworkBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    [...ARTWORK_MEDIA_TYPES],
    { parseAs: 'buffer', bodyLimit: ARTWORK_LIMITS.maxBytes },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => {
      if (!isArtworkUploadRoute(request.routeOptions.url ?? '')) {
        done(unsupported());
        return;
      }
      done(null, body);
    },
  );
}
