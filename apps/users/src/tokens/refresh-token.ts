import { createHash, createHmac, createPrivateKey, hkdfSync, randomBytes } from 'node:crypto';

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

/**
 * The key refresh tokens' successors are derived with (successorOf), derived in turn from the
 * access tokens' signing key for this one purpose (HKDF): as secret as that key, with no setting
 * of its own to lose or leak.
 */
export function successorKey(signingKeyPem: string): Buffer {
  const der = createPrivateKey(signingKeyPem).export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', der, Buffer.alloc(0), 'kinema refresh successor', 32));
}

/**
 * The token a refresh made with a retry key exchanges `presented` for: derived from the two with
 * the server's key instead of drawn at random, so that the same exchange asked again (a repeat,
 * decideRefresh) hands the client the very token the first answer carried, which may never have
 * reached it, while the table keeps digests alone. Without the server's key nobody computes it,
 * whoever holds the used token and the retry key. 32 bytes in base64url, as a random token is.
 */
export function successorOf(key: Buffer, presented: string, retryKey: string): string {
  return createHmac('sha256', key)
    .update(presented)
    .update('\0')
    .update(retryKey)
    .digest('base64url');
}
