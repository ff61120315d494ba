/** What the store knows about a presented refresh token. */
export interface StoredRefreshToken {
  /** Set once the token was exchanged: any later use is a replay, but a repeat (below). */
  rotatedAt: Date | null;
  expiresAt: Date;
  /** Set when the token's session (family) was ended: logout, password change, detected reuse. */
  sessionRevokedAt: Date | null;
  /** The digest of the retry key its exchange was made with, if it had one. */
  retryKeyHash: string | null;
  /** Whether the token it was exchanged for has been exchanged in turn. */
  successorUsed: boolean;
}

/** What a presented refresh brings besides its token. */
export interface PresentedRefresh {
  /** The digest of the retry key it carries, if any. */
  retryKeyHash: string | undefined;
  /** How long after an exchange the same token and key are still a repeat of it. */
  repeatWindowMs: number;
}

export type RefreshDecision =
  /** Issue a new token in the same family and mark this one rotated. */
  | 'rotate'
  /**
   * The exchange already made, asked again by its own client (the same token and retry key) before
   * it used the new token: answer it again, with a new access token of the same session and the
   * same new refresh token.
   */
  | 'repeat'
  /** A rotated token came back: someone holds a copy. End the whole family. */
  | 'reuse'
  | 'expired'
  | 'revoked'
  | 'unknown';

/**
 * Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP, section 4.14): every
 * token is single-use, and presenting a used one revokes its family, so the thief's newest token
 * and the victim's stop working together and the victim has to sign in again.
 *
 * One exception keeps a client that lost an answer signed in: a browser page reloaded before its
 * refresh was answered, or answered 504 by a gateway that could not wait for it, presents the old
 * token again (the new one was in the answer it never saw), with the key it sent the first time.
 * That is a repeat, not a replay, while three things hold: the key matches the one the exchange
 * was made with, the token it was exchanged for is still unused (the client has not moved on;
 * once it has, the old token can only be a copy), and the access token the exchange gave out would
 * still be valid. It is answered with a new access token and that same new refresh token
 * (successorOf), so the client goes on from where the first answer would have left it. A thief
 * needs the key as well as the used token, and gets what the client's own answer held, while the
 * client has not used it: whichever of the two uses it second ends the session for both.
 */
export function decideRefresh(
  stored: StoredRefreshToken | undefined,
  now: Date,
  presented?: PresentedRefresh,
): RefreshDecision {
  if (!stored) return 'unknown';
  if (stored.sessionRevokedAt) return 'revoked';
  if (stored.rotatedAt)
    return repeats(stored, stored.rotatedAt, now, presented) ? 'repeat' : 'reuse';
  if (stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}

function repeats(
  stored: StoredRefreshToken,
  rotatedAt: Date,
  now: Date,
  presented: PresentedRefresh | undefined,
): boolean {
  if (!presented?.retryKeyHash || stored.retryKeyHash !== presented.retryKeyHash) return false;
  return !stored.successorUsed && now.getTime() < rotatedAt.getTime() + presented.repeatWindowMs;
}
