import { ARTWORK_LIMITS, ARTWORK_MEDIA_TYPES } from '@kinema/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyNotTaken } from '../http/request-body';
import { routeConfigOf } from '../http/route-config';

/**
 * Reads image bodies on the routes marked @UploadRoute('image') only, whole, up to ARTWORK_LIMITS.maxBytes
 * (Fastify answers 413 past it, before reading a byte when Content-Length says so). An image
 * crosses to the videos service in one message, so it is buffered, unlike a video.
 */
export function registerArtworkBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    [...ARTWORK_MEDIA_TYPES],
    { parseAs: 'buffer', bodyLimit: ARTWORK_LIMITS.maxBytes },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => {
      if (routeConfigOf(request).upload !== 'image') {
        done(bodyNotTaken(request, 'an image body'));
        return;
      }
      done(null, body);
    },
  );
}
