import { status } from '@grpc/grpc-js';
import {
  accountRoleOf,
  type AccountRoleName,
  type VerifyAccessTokenResponse,
} from '@kinema/contracts';
import { isServiceError } from '@kinema/platform/errors';
import { InFlight } from '../lru/in-flight';
import type { AccessTokenClaims } from './access-token.verifier';

export interface LiveSession {
  accountId: string;
  role: AccountRoleName;
  sessionId: string;
}

export type SessionVerifier = (token: string) => Promise<VerifyAccessTokenResponse>;

// Bounds memory whatever the number of sessions seen; the oldest entries go first.
const MAX_ENTRIES = 50_000;
/**
 * Ended sessions remembered at most (about 100 bytes each). Past it the oldest are forgotten
 * first: those nearest the end of their grants' lifetime. Bearer tokens of a forgotten session
 * are still refused (by the users service); only its grants would work again.
 */
export const MAX_ENDED_SESSIONS = 200_000;

/**
 * Asks the users service whether a token's account and session still exist (VerifyAccessToken),
 * trusting a "yes" for `ttlMs`: a logout or deletion seen by another replica takes effect within
 * that, or sooner when the users service's SessionsEnded event arrives (`endSessions`), while a
 * busy client does not cost a gRPC round trip and a query per request, nor one per request that
 * arrives while its session is being asked about. A "no" is kept until the token expires (an ended
 * session never comes back), so a client repeating an ended session's token costs nothing either;
 * this replica forgets a session at once when it ends one.
 */
export class SessionCheck {
  private readonly live = new Map<string, { session: LiveSession; until: number }>();
  /**
   * Sessions seen ended, until their tokens (or, when announced, their playback grants) expire:
   * an ended session never comes back.
   */
  private readonly ended = new Map<string, number>();
  /** The sessions being asked about now. */
  private readonly asking = new InFlight<string, LiveSession | undefined>();

  constructor(
    private readonly verifyRemotely: SessionVerifier,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live session, or undefined when it has ended or the account is gone. */
  async check(token: string, claims: AccessTokenClaims): Promise<LiveSession | undefined> {
    // liveNow looks at ended sessions first: an announced end overrides a "live" still cached.
    const cached = this.liveNow(claims);
    if (cached) return cached;
    if (this.hasEnded(claims.sessionId)) return undefined;
    // With nothing trusted (ttlMs 0) every request asks; otherwise the session's requests that
    // arrive while it is being asked about wait for that answer.
    if (this.ttlMs === 0) return this.ask(token, claims, () => false);
    return this.asking.run(claims.sessionId, (current) => this.ask(token, claims, current));
  }

  private async ask(
    token: string,
    claims: AccessTokenClaims,
    current: () => boolean,
  ): Promise<LiveSession | undefined> {
    let answer: VerifyAccessTokenResponse;
    try {
      answer = await this.verifyRemotely(token);
    } catch (error) {
      if (isServiceError(error) && error.code === status.UNAUTHENTICATED) {
        this.markEnded(claims.sessionId, claims.expiresAt.getTime());
        return undefined;
      }
      throw error;
    }
    // The session may have been announced ended while the users service was answering.
    if (this.hasEnded(claims.sessionId)) return undefined;
    const session: LiveSession = {
      accountId: answer.accountId,
      // The role stored now, not the one in the token: a revoked admin loses it at once.
      role: accountRoleOf(answer.role),
      sessionId: answer.sessionId,
    };
    // Forgotten while it was asked about (a logout here): answered, but not trusted for later.
    if (this.ttlMs > 0 && current()) {
      if (this.live.size >= MAX_ENTRIES) this.evict();
      const until = Math.min(this.now() + this.ttlMs, claims.expiresAt.getTime());
      this.live.set(claims.sessionId, { session, until });
    }
    return session;
  }

  /**
   * The session as the users service last confirmed it live, within `ttlMs` and not ended since;
   * undefined when `check` must be asked.
   */
  liveNow(claims: AccessTokenClaims): LiveSession | undefined {
    if (this.hasEnded(claims.sessionId)) return undefined;
    const cached = this.live.get(claims.sessionId);
    if (!cached || cached.until <= this.now() || cached.session.accountId !== claims.accountId) {
      return undefined;
    }
    return cached.session;
  }

  /**
   * Whether this replica knows the session ended (announced by the users service, or refused by
   * it): a map lookup, cheap enough for every Range request of a playback grant.
   */
  hasEnded(sessionId: string): boolean {
    const until = this.ended.get(sessionId);
    return until !== undefined && until > this.now();
  }

  /** Records sessions the users service announced ended, remembered until `untilMs`. */
  endSessions(sessionIds: readonly string[], untilMs: number): void {
    for (const sessionId of sessionIds) this.markEnded(sessionId, untilMs);
  }

  /** Drops what this replica knows of a session (after a logout, deletion or password change). */
  forgetSession(sessionId: string): void {
    this.live.delete(sessionId);
    this.asking.forget(sessionId);
  }

  /** Drops every cached session of an account. */
  forgetAccount(accountId: string): void {
    for (const [sid, entry] of this.live)
      if (entry.session.accountId === accountId) this.live.delete(sid);
    // Which sessions being asked about are the account's is known only once they are answered.
    this.asking.forgetAll();
  }

  private markEnded(sessionId: string, untilMs: number): void {
    this.live.delete(sessionId);
    const known = this.ended.get(sessionId);
    if (known !== undefined && known >= untilMs) return;
    // Re-inserted at the end, so insertion order stays close to the order of expiry.
    this.ended.delete(sessionId);
    if (this.ended.size >= MAX_ENDED_SESSIONS) this.forgetOldestEnds();
    this.ended.set(sessionId, untilMs);
  }

  private forgetOldestEnds(): void {
    const now = this.now();
    for (const [sid, until] of this.ended) if (until <= now) this.ended.delete(sid);
    // A tenth at once, so a flood of ends does not walk the whole map on every insert.
    for (const sid of this.ended.keys()) {
      if (this.ended.size < MAX_ENDED_SESSIONS * 0.9) break;
      this.ended.delete(sid);
    }
  }

  private evict(): void {
    const now = this.now();
    for (const [sid, entry] of this.live) if (entry.until <= now) this.live.delete(sid);
    for (const sid of this.live.keys()) {
      if (this.live.size < MAX_ENTRIES) break;
      this.live.delete(sid);
    }
  }
}
