import { isUuid } from '@kinema/contracts';

/** True for a UUID in canonical (lower-case) form: ids are normalised before they get here. */
function isCanonicalUuid(value: string): boolean {
  return isUuid(value) && value === value.toLowerCase();
}

/** Every video object (and multipart upload) of the bucket has a key under this prefix. */
export const VIDEO_KEY_PREFIX = 'videos/';

/**
 * The object key of a video. Keys derive from the server-generated video id alone, so nothing a
 * client sends (titles, file names) can steer a write or a read to another key or a path.
 */
export function objectKeyFor(videoId: string): string {
  if (!isCanonicalUuid(videoId)) throw new Error(`not a video id: ${JSON.stringify(videoId)}`);
  return `${VIDEO_KEY_PREFIX}${videoId}`;
}
