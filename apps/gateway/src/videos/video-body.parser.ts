import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyNotTaken } from '../http/request-body';
import { routeConfigOf } from '../http/route-config';

/** The media types a video upload may declare. */
export const VIDEO_MEDIA_TYPES = ['video/mp4', 'video/webm'] as const;
export type VideoMediaType = (typeof VIDEO_MEDIA_TYPES)[number];

/**
 * Lets video bodies through unread on the routes marked @UploadRoute('video') only: the handler
 * streams them to the
 * videos service, so no byte is buffered and Fastify's JSON body limit does not apply (the
 * upload has its own, checked against Content-Length). Every other route still answers 415
 * (bodyNotTaken).
 */
export function registerVideoBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...VIDEO_MEDIA_TYPES], (request: FastifyRequest, payload, done) => {
    if (routeConfigOf(request).upload !== 'video') {
      done(bodyNotTaken(request, 'a video body'), undefined);
      return;
    }
    done(null, payload);
  });
}

/** The declared media type without parameters, lower-cased; undefined when absent. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function isVideoMediaType(type: string | undefined): type is VideoMediaType {
  return (VIDEO_MEDIA_TYPES as readonly string[]).includes(type ?? '');
}
