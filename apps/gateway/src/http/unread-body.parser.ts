import type { FastifyInstance } from 'fastify';
import { bodyNotTaken } from './request-body';
import { routeConfigOf } from './route-config';

/**
 * Bodies no other parser takes (another media type, or none declared). On a route that takes a
 * raw body (marked @UploadRoute) they pass unread, so the route's guard answers first (a caller who may not
 * upload hears 401 or 403, not 415) and the handler then refuses the type itself; the lingering
 * close drops the unread bytes. Every other route answers 415 here, as Fastify would
 * (bodyNotTaken).
 */
export function registerUnreadBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    if (routeConfigOf(request).upload !== undefined) done(null, undefined);
    else done(bodyNotTaken(request, 'a body of this media type'), undefined);
  });
}
