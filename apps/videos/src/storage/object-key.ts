const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a canonical (lower-case, hyphenated) UUID: the only ids this service accepts. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The object key of a video. Keys derive from the server-generated video id alone, so nothing a
 * client sends (titles, file names) can steer a write or a read to another key or a path.
 */
export function objectKeyFor(videoId: string): string {
  if (!isUuid(videoId)) throw new Error(`not a video id: ${JSON.stringify(videoId)}`);
  return `videos/${videoId}`;
}
