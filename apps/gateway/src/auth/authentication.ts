import { AccessTokenVerifier } from './access-token.verifier';
import { SessionCheck, type LiveSession } from './session-check';

/**
 * A bearer token's verdict: the live session behind it, or why it was refused (`sessionEnded`: a
 * token of ours whose session has ended, which signing in again mends).
 */
export type TokenVerdict = { session: LiveSession } | { refused: string; sessionEnded?: true };

const BEARER_PREFIX = 'Bearer ';

/** `Authorization: Bearer <token>` -> the token; undefined for any other shape. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9_.~+/=-]+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

/**
 * Who a bearer token speaks for: its signature locally, then its session with the users service.
 * The one check behind the route guard, the hot read path and `/ws` sign-in. A failure to reach
 * the users service is thrown (an outage, 503), never a refusal.
 */
export class Authentication {
  constructor(
    private readonly tokens: AccessTokenVerifier,
    private readonly sessions: SessionCheck,
  ) {}

  async ofToken(token: string): Promise<TokenVerdict> {
    const claims = await this.tokens.verify(token);
    if (!claims) return { refused: 'The access token is invalid or expired.' };
    const session = await this.sessions.check(token, claims);
    if (!session)
      return { refused: 'The session of this access token has ended.', sessionEnded: true };
    return { session };
  }

  /**
   * The session behind an Authorization header's value when everything about it is known at once
   * (its token verified before, its session confirmed live within SessionCheck's trust);
   * undefined when `ofHeader` must be asked, refusals included.
   */
  sessionNow(header: string): LiveSession | undefined {
    // The usual shape is taken without the pattern: only tokens that passed it and the signature
    // check are among the verified ones, so anything else found this way is simply not known.
    const token = header.startsWith(BEARER_PREFIX)
      ? header.slice(BEARER_PREFIX.length)
      : bearerToken(header);
    const claims = token === undefined ? undefined : this.tokens.verifiedNow(token);
    return claims && this.sessions.liveNow(claims);
  }

  /** The verdict on an Authorization header's value. */
  async ofHeader(header: string): Promise<TokenVerdict> {
    const token = bearerToken(header);
    if (!token) return { refused: 'The Authorization header must be `Bearer <access token>`.' };
    return this.ofToken(token);
  }
}
