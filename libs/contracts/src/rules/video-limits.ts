/**
 * How large a video upload can be. The videos service writes an upload as an S3 multipart upload
 * of fixed-size parts, straight to its final object (no copy afterwards), so the one hard bound is
 * S3's 10,000 parts per upload: 10,000 x 8 MiB = 78.1 GiB. Both the gateway's and the videos
 * service's configurable limits are checked against it.
 */
export const VIDEO_UPLOAD_LIMITS = {
  /** Size of each multipart part (S3 takes 5 MiB to 5 GiB; every part but the last is full). */
  partBytes: 8 * 1024 * 1024,
  /** S3's (and MinIO's) most parts in one multipart upload. */
  maxParts: 10_000,
  /** The largest upload that can be stored at all: maxParts x partBytes. */
  maxBytes: 10_000 * 8 * 1024 * 1024,
} as const;
