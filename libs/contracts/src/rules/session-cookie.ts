/**
 * A browser's session (the web app's "cookie mode"): the refresh token travels only in an
 * HttpOnly cookie scoped to the auth routes, never in a body that script can read. A request
 * opts in with the mode header; since that header is not CORS-safelisted, a page on another
 * origin cannot send it without a preflight the gateway refuses, which is what keeps the cookie
 * out of cross-site requests (CSRF) beside SameSite=Strict.
 */
export const SESSION_COOKIE = {
  name: 'kinema_refresh',
  path: '/api/v1/auth',
  modeHeader: 'x-session-mode',
  modeValue: 'cookie',
} as const;
