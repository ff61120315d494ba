/**
 * The request header a signed-in client names the profile it browses, plays and saves progress
 * as with (lower case, as Node presents header names); the gateway checks it is the caller's.
 */
export const PROFILE_HEADER = 'x-profile-id';

/**
 * The request header naming one attempt of a POST, so a retry of it is answered with the first
 * attempt's result instead of being applied again (draft-ietf-httpapi-idempotency-key-header).
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** How an Idempotency-Key is accepted and how long the gateway remembers its result. */
export const IDEMPOTENCY_KEY = {
  /** Characters of a key: room for a UUID or a ULID with a prefix, not for a payload. */
  maxLength: 255,
  /**
   * A Structured Field string as the draft specifies (`"8e03978e-..."`), or the same characters
   * unquoted as many clients send them: 1 to 255 visible ASCII characters but `"` and `\`.
   */
  pattern: /^(?:"[\x21\x23-\x5b\x5d-\x7e]{1,255}"|[\x21\x23-\x5b\x5d-\x7e]{1,255})$/,
  /** A result is replayed for this long after the first attempt; then the key is forgotten. */
  retentionSeconds: 24 * 60 * 60,
} as const;
