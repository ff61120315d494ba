import type { EdgeErrorCode, ServiceErrorCode } from '@kinema/contracts';
import { problem } from '@kinema/platform/errors';
import { ProblemException } from '../http/problem.exception';

export function notFound(
  detail: string,
  code: EdgeErrorCode | ServiceErrorCode = 'NOT_FOUND',
): ProblemException {
  return new ProblemException(problem(404, 'Not Found', { detail, code }));
}

export function lengthRequired(): ProblemException {
  return new ProblemException(
    problem(411, 'Length Required', {
      code: 'CONTENT_LENGTH_REQUIRED',
      detail: 'Send the file with a Content-Length header (chunked uploads are not accepted).',
    }),
  );
}

/** An empty body: no video of any type, so what the upload answers a file that is not one. */
export function emptyVideo(): ProblemException {
  return new ProblemException(
    problem(422, 'Unprocessable Content', {
      code: 'VIDEO_UNPROCESSABLE',
      detail: 'The body is empty: send the video file as the body.',
    }),
  );
}

export function tooLarge(limit: number): ProblemException {
  return new ProblemException(
    problem(413, 'Content Too Large', {
      code: 'VIDEO_TOO_LARGE',
      detail: `A video may be at most ${limit} bytes.`,
    }),
  );
}

/** Seconds a refused upload should wait: uploads take a while to finish and free a slot. */
export const UPLOAD_RETRY_AFTER_SECONDS = 10;

export function tooManyUploads(limit: number): ProblemException {
  return new ProblemException(
    problem(429, 'Too Many Requests', {
      code: 'TOO_MANY_UPLOADS',
      detail: `An account may upload ${limit} videos at once; wait for one to finish.`,
    }),
    { 'retry-after': String(UPLOAD_RETRY_AFTER_SECONDS) },
  );
}

export function unsupportedMediaType(): ProblemException {
  return new ProblemException(
    problem(415, 'Unsupported Media Type', {
      code: 'UNSUPPORTED_VIDEO_TYPE',
      detail: 'Send the raw file as the body with Content-Type video/mp4 or video/webm.',
    }),
  );
}

export function profileRequired(): ProblemException {
  return ProblemException.badRequest(
    [
      {
        field: 'X-Profile-Id',
        description: 'playback is always as a profile: name it in X-Profile-Id',
      },
    ],
    'Name the profile that watches in X-Profile-Id.',
  );
}

export function grantRefused(reason: string): ProblemException {
  return new ProblemException(
    problem(401, 'Unauthorized', {
      code: 'INVALID_PLAYBACK_GRANT',
      detail: `The playback grant is ${reason}; ask for a new one (POST .../playback).`,
    }),
  );
}

export function rangeNotSatisfiable(size: number): ProblemException {
  return new ProblemException(
    problem(416, 'Range Not Satisfiable', {
      code: 'RANGE_NOT_SATISFIABLE',
      detail: `The range starts past the end of the ${size}-byte video.`,
    }),
    { 'content-range': `bytes */${size}` },
  );
}

/** Seconds to wait before retrying a read the object store failed. */
const STORE_RETRY_AFTER_SECONDS = 1;

/** The object store failed a read (unreachable, an error, fewer bytes than the video has). */
export function storeUnavailable(): ProblemException {
  return new ProblemException(
    problem(503, 'Service Unavailable', {
      code: 'VIDEO_STORE_UNAVAILABLE',
      detail: 'The video store is unavailable; try again shortly.',
    }),
    { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
  );
}

/**
 * The store no longer serves the read URL (the video was replaced and its object deleted, or the
 * URL expired): resolve the title again. Answered 503 itself if that happens twice in a row.
 */
export class StaleReadUrl extends ProblemException {
  constructor() {
    super(
      problem(503, 'Service Unavailable', {
        code: 'VIDEO_STORE_UNAVAILABLE',
        detail: 'The video changed while it was read; try again.',
      }),
      { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
    );
  }
}
