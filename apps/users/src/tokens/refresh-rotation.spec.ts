import { decideRefresh, type StoredRefreshToken } from './refresh-rotation';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_PATTERN } from './refresh-token';

const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');
const earlier = new Date('2029-12-31T00:00:00Z');
const secondsAgo = new Date('2029-12-31T23:59:58Z');

function stored(token: Partial<StoredRefreshToken>): StoredRefreshToken {
  return {
    rotatedAt: null,
    expiresAt: later,
    sessionRevokedAt: null,
    retryKeyHash: null,
    successorUsed: false,
    ...token,
  };
}

/** The same key as the exchange's, with a window of 15 minutes. */
const sameKey = { retryKeyHash: 'key-a', repeatWindowMs: 15 * 60_000 };

describe('refresh rotation decisions', () => {
  it('rotates a fresh, unused token', () => {
    expect(decideRefresh(stored({}), now)).toBe('rotate');
    expect(decideRefresh(stored({}), now, sameKey)).toBe('rotate');
  });

  it('treats a second use of a rotated token as reuse, even once it has expired', () => {
    expect(decideRefresh(stored({ rotatedAt: earlier }), now)).toBe('reuse');
    expect(decideRefresh(stored({ rotatedAt: earlier, expiresAt: earlier }), now)).toBe('reuse');
  });

  it('refuses tokens of an ended session without treating them as reuse again', () => {
    expect(decideRefresh(stored({ rotatedAt: earlier, sessionRevokedAt: earlier }), now)).toBe(
      'revoked',
    );
    expect(decideRefresh(stored({ sessionRevokedAt: earlier }), now)).toBe('revoked');
    const asked = stored({ rotatedAt: secondsAgo, retryKeyHash: 'key-a', sessionRevokedAt: now });
    expect(decideRefresh(asked, now, sameKey)).toBe('revoked');
  });

  it('refuses expired and unknown tokens', () => {
    expect(decideRefresh(stored({ expiresAt: now }), now)).toBe('expired');
    expect(decideRefresh(undefined, now)).toBe('unknown');
  });

  it('answers the same exchange again when its token comes back with its key, seconds later', () => {
    const rotated = stored({ rotatedAt: secondsAgo, retryKeyHash: 'key-a' });
    expect(decideRefresh(rotated, now, sameKey)).toBe('repeat');
  });

  it('still ends the session when a used token comes back without its key, or with another', () => {
    const rotated = stored({ rotatedAt: secondsAgo, retryKeyHash: 'key-a' });
    expect(decideRefresh(rotated, now)).toBe('reuse');
    expect(decideRefresh(rotated, now, { ...sameKey, retryKeyHash: undefined })).toBe('reuse');
    expect(decideRefresh(rotated, now, { ...sameKey, retryKeyHash: 'key-b' })).toBe('reuse');
    // An exchange made without a key has none to match.
    expect(decideRefresh(stored({ rotatedAt: secondsAgo }), now, sameKey)).toBe('reuse');
  });

  it('takes the key as a copy once the new token was used, or the window has passed', () => {
    const moved = stored({ rotatedAt: secondsAgo, retryKeyHash: 'key-a', successorUsed: true });
    expect(decideRefresh(moved, now, sameKey)).toBe('reuse');
    const old = stored({ rotatedAt: earlier, retryKeyHash: 'key-a' });
    expect(decideRefresh(old, now, sameKey)).toBe('reuse');
  });
});

describe('refresh tokens', () => {
  it('are 32 random bytes in base64url, stored only as a digest', () => {
    const token = newRefreshToken();
    expect(token).toMatch(REFRESH_TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newRefreshToken()).not.toBe(token);
    expect(hashRefreshToken(token)).not.toContain(token);
    expect(hashRefreshToken(token)).toBe(hashRefreshToken(token));
  });
});
