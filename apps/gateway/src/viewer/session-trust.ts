/**
 * Injection token: how long a replica trusts a "yes" of the users service about a session (and a
 * profile), SESSION_CHECK_CACHE_MS.
 */
export const SESSION_TRUST_MS = Symbol('SESSION_TRUST_MS');
