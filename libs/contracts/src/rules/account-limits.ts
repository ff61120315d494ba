// Imports nothing, so the web app can take it as it is (`@kinema/contracts/account-limits`).

/**
 * The shape of an email as the users service stores it (trimmed, lower-cased). Deliberately
 * loose (one @, a dot in the domain, no spaces or control characters): the only real test of an
 * address is mail reaching it, and strict patterns reject valid ones.
 */
export const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** What an account and its profiles may hold (lengths in characters, see text.ts). */
export const ACCOUNT_LIMITS = {
  /** RFC 5321's limit on a forward path. */
  emailLength: 254,
  passwordMinLength: 8,
  passwordMaxLength: 128,
  profileNameLength: 50,
  profilesPerAccount: 5,
  /** An offered refresh token; real ones are far shorter (the users service knows their form). */
  refreshTokenLength: 256,
} as const;

/** Page sizes and other bounds of My List and playback progress. */
export const LIBRARY_LIMITS = {
  defaultMyListPage: 20,
  maxMyListPage: 100,
  defaultContinueWatching: 20,
  maxContinueWatching: 50,
  /** The longest a title or episode can run; a larger position or duration is a client bug. */
  durationSeconds: 86_400,
} as const;
