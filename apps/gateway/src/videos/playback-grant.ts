import { MaturityRating } from '@kinema/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a playback grant allows: one profile playing one title (or episode) until `expiresAt`,
 * at most at `maxMaturity` (the profile's ceiling when the grant was issued), while the session
 * that asked for it lives (checked apart, against the sessions this replica knows ended).
 */
export interface PlaybackGrant {
  titleId: string;
  /** Empty for movies. */
  episodeId: string;
  profileId: string;
  /** The session of the access token the grant was issued to. */
  sessionId: string;
  maxMaturity: MaturityRating;
  /** Unix seconds. */
  expiresAt: number;
}

export type GrantCheck =
  | { ok: true; grant: PlaybackGrant }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-title' };

// Bumped if the payload's shape changes, so old grants fail closed instead of being misread.
// Version 2 added the session: a version-1 grant (bound to no session) is refused.
const GRANT_VERSION = 2;

interface Payload {
  v: number;
  t: string;
  e: string;
  p: string;
  s: string;
  m: MaturityRating;
  x: number;
}

function sign(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(`kinema-playback-grant.${body}`).digest();
}

/** `<base64url payload>.<base64url HMAC-SHA256>`: safe in a query string as it is. */
export function issueGrant(secret: string, grant: PlaybackGrant): string {
  const payload: Payload = {
    v: GRANT_VERSION,
    t: grant.titleId,
    e: grant.episodeId,
    p: grant.profileId,
    s: grant.sessionId,
    m: grant.maxMaturity,
    x: grant.expiresAt,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

const RATINGS: readonly unknown[] = Object.values(MaturityRating).filter(
  (value) => value !== MaturityRating.UNRECOGNIZED,
);

function isRating(value: unknown): value is MaturityRating {
  return RATINGS.includes(value);
}

function parsePayload(body: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const p = value as Record<string, unknown>;
    const ok =
      p['v'] === GRANT_VERSION &&
      typeof p['t'] === 'string' &&
      typeof p['e'] === 'string' &&
      typeof p['p'] === 'string' &&
      typeof p['s'] === 'string' &&
      isRating(p['m']) &&
      Number.isInteger(p['x']);
    return ok ? (value as Payload) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks signature, expiry and that the grant is for this title/episode (the URL's). */
export function verifyGrant(
  secret: string,
  token: string,
  target: { titleId: string; episodeId: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): GrantCheck {
  const parts = token.split('.');
  if (parts.length !== 2 || token.length > 1024) return { ok: false, reason: 'malformed' };
  const [body, signature] = parts;
  const expected = sign(secret, body);
  const given = Buffer.from(signature, 'base64url');
  // Compare in constant time so the signature cannot be guessed byte by byte.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  const payload = parsePayload(body);
  if (!payload) return { ok: false, reason: 'malformed' };
  if (payload.x <= nowSeconds) return { ok: false, reason: 'expired' };
  if (payload.t !== target.titleId || payload.e !== target.episodeId) {
    return { ok: false, reason: 'wrong-title' };
  }
  return {
    ok: true,
    grant: {
      titleId: payload.t,
      episodeId: payload.e,
      profileId: payload.p,
      sessionId: payload.s,
      maxMaturity: payload.m,
      expiresAt: payload.x,
    },
  };
}
