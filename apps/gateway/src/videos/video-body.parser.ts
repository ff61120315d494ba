import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The media types a video upload may declare. */
export const VIDEO_MEDIA_TYPES = ['video/mp4', 'video/webm'] as const;
export type VideoMediaType = (typeof VIDEO_MEDIA_TYPES)[number];

// Route patterns (as Fastify names them) that take a raw video body.
const UPLOAD_ROUTE = /^\/api\/v1\/titles\/:id(\/episodes\/:episodeId)?\/video$/;

function unsupported(): Error & { statusCode: number } {
  return Object.assign(new Error('This route does not accept a video body.'), { statusCode: 415 });
}

/**
 * Lets video bodies through unread on the upload routes only: the handler streams them to the
 * videos service, so no byte is buffered and Fastify's JSON body limit does not apply (the
 * upload has its own, checked against Content-Length). Every other route still answers 415.
 */
export function registerVideoBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...VIDEO_MEDIA_TYPES], (request: FastifyRequest, payload, done) => {
    if (!isVideoUploadRoute(request.routeOptions.url ?? '')) {
      done(unsupported(), undefined);
      return;
    }
    done(null, payload);
  });
}

/** Whether a route (its pattern, as Fastify names it) takes a raw video body. */
export function isVideoUploadRoute(routeUrl: string): boolean {
  return UPLOAD_ROUTE.test(routeUrl);
}

/** The declared media type without parameters, lower-cased; undefined when absent. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function isVideoMediaType(type: string | undefined): type is VideoMediaType {
  return (VIDEO_MEDIA_TYPES as readonly string[]).includes(type ?? '');
}
