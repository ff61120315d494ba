import { createHash, randomBytes } from 'node:crypto';

const REFRESH_TOKEN_BYTES = 32;
/** 32 random bytes in base64url: 43 characters, no padding. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

/**
 * Only this digest is stored, so a leaked table cannot be replayed. A plain SHA-256 is enough:
 * the token has 256 bits of entropy, so there is nothing for a slow hash to protect.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A refresh's retry key as kept: its digest, of one size whatever the client chose. */
export function hashRetryKey(key: string): string {
  return hashRefreshToken(key);
}
