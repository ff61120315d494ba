/**
 * Every code a service puts in the `kinema.errors.v1.ErrorInfo` trailer of a failed call; the
 * gateway passes it on as the `code` of its problem+json answer and may match on it.
 */
export const SERVICE_ERROR_CODES = [
  'VALIDATION_FAILED',
  // catalog
  'TITLE_NOT_FOUND',
  'TITLE_VERSION_MISMATCH',
  'TITLE_SLUG_TAKEN',
  // users
  'ACCOUNT_NOT_FOUND',
  'EMAIL_TAKEN',
  'INVALID_CREDENTIALS',
  'WRONG_PASSWORD',
  'INVALID_ACCESS_TOKEN',
  'INVALID_REFRESH_TOKEN',
  'REFRESH_TOKEN_REUSED',
  'PROFILE_NOT_FOUND',
  'PROFILE_LIMIT',
  'LAST_PROFILE',
  // videos
  'VIDEO_NOT_FOUND',
  'VIDEO_NOT_READY',
  'VIDEO_TOO_LARGE',
  'VIDEO_SIZE_MISMATCH',
  'VIDEO_UNPROCESSABLE',
  'VIDEO_STORE_UNAVAILABLE',
  'UPLOAD_METADATA_REQUIRED',
  'UPLOAD_CHUNK_EXPECTED',
  'UPLOAD_CANCELLED',
  'UPLOADS_BUSY',
  'RANGE_NOT_SATISFIABLE',
  'PLAYBACK_URLS_DISABLED',
  'ARTWORK_NOT_FOUND',
  'ARTWORK_TOO_LARGE',
  'ARTWORK_UNPROCESSABLE',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** Codes only the gateway answers with: conditions of the HTTP request itself. */
export const EDGE_ERROR_CODES = [
  'NOT_FOUND',
  'AUTHENTICATION_REQUIRED',
  'ADMIN_REQUIRED',
  'RATE_LIMITED',
  'ETAG_MISMATCH',
  'EPISODE_NOT_FOUND',
  'CONTENT_LENGTH_REQUIRED',
  'UNSUPPORTED_VIDEO_TYPE',
  'INVALID_PLAYBACK_GRANT',
  'TOO_MANY_UPLOADS',
  'UNSUPPORTED_IMAGE_TYPE',
  'CROSS_SITE_REQUEST',
  // A write whose call to a service passed its deadline: it may or may not have been applied.
  'OUTCOME_UNKNOWN',
  // Idempotency-Key: the key was used with another request; the key's first request is running.
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
] as const;
export type EdgeErrorCode = (typeof EDGE_ERROR_CODES)[number];

/** The `code` of any problem+json answer of the API. */
export type ProblemCode = ServiceErrorCode | EdgeErrorCode;

const serviceCodes: ReadonlySet<string> = new Set(SERVICE_ERROR_CODES);

export function isServiceErrorCode(value: unknown): value is ServiceErrorCode {
  return typeof value === 'string' && serviceCodes.has(value);
}
