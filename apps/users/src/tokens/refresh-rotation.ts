/** What the store knows about a presented refresh token. */
export interface StoredRefreshToken {
  /** Set once the token was exchanged: any later use is a replay. */
  rotatedAt: Date | null;
  expiresAt: Date;
  /** Set when the token's session (family) was ended: logout, password change, detected reuse. */
  sessionRevokedAt: Date | null;
}

export type RefreshDecision =
  /** Issue a new token in the same family and mark this one rotated. */
  | 'rotate'
  /** A rotated token came back: someone holds a copy. End the whole family. */
  | 'reuse'
  | 'expired'
  | 'revoked'
  | 'unknown';

/**
 * Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP, section 4.14): every
 * token is single-use, and presenting a used one revokes its family, so the thief's newest token
 * and the victim's stop working together and the victim has to sign in again.
 */
export function decideRefresh(stored: StoredRefreshToken | undefined, now: Date): RefreshDecision {
  if (!stored) return 'unknown';
  if (stored.sessionRevokedAt) return 'revoked';
  if (stored.rotatedAt) return 'reuse';
  if (stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}
