import { decideRefresh } from './refresh-rotation';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_PATTERN } from './refresh-token';

const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');
const earlier = new Date('2029-12-31T00:00:00Z');

describe('refresh rotation decisions', () => {
  it('rotates a fresh, unused token', () => {
    expect(decideRefresh({ rotatedAt: null, expiresAt: later, sessionRevokedAt: null }, now)).toBe(
      'rotate',
    );
  });

  it('treats a second use of a rotated token as reuse, even once it has expired', () => {
    expect(
      decideRefresh({ rotatedAt: earlier, expiresAt: later, sessionRevokedAt: null }, now),
    ).toBe('reuse');
    expect(
      decideRefresh({ rotatedAt: earlier, expiresAt: earlier, sessionRevokedAt: null }, now),
    ).toBe('reuse');
  });

  it('refuses tokens of an ended session without treating them as reuse again', () => {
    expect(
      decideRefresh({ rotatedAt: earlier, expiresAt: later, sessionRevokedAt: earlier }, now),
    ).toBe('revoked');
    expect(
      decideRefresh({ rotatedAt: null, expiresAt: later, sessionRevokedAt: earlier }, now),
    ).toBe('revoked');
  });

  it('refuses expired and unknown tokens', () => {
    expect(decideRefresh({ rotatedAt: null, expiresAt: now, sessionRevokedAt: null }, now)).toBe(
      'expired',
    );
    expect(decideRefresh(undefined, now)).toBe('unknown');
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
