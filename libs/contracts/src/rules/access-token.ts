/**
 * The access-token contract between the users service (which signs) and the gateway (which
 * verifies): ES256 JWTs of RFC 9068's type, for this audience, from this issuer.
 */
export const ACCESS_TOKEN = {
  algorithm: 'ES256',
  issuer: 'kinema-users',
  audience: 'kinema-api',
  type: 'at+jwt',
  /** ES256 tokens are a few hundred bytes; anything far larger is refused before parsing. */
  maxLength: 4096,
} as const;
