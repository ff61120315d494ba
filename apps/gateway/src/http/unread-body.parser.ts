import type { FastifyInstance } from 'fastify';
import { routeConfigOf } from './route-config';

function unsupported(): Error & { statusCode: number } {
  return Object.assign(new Error('This route does not accept a body of this media type.'), {
    statusCode: 415,
  });
}

/**
 * Bodies no other parser takes (another media type, or none declared). On a route that takes a
 * raw body (marked @UploadRoute) they pass unread, so the route's guard answers first (a caller who may not
 * upload hears 401 or 403, not 415) and the handler then refuses the type itself; the lingering
 * close drops the unread bytes. Every other route answers 415 here, as Fastify would.
 */
export function registerUnreadBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    if (routeConfigOf(request).upload !== undefined) done(null, undefined);
    else done(unsupported(), undefined);
  });
}
