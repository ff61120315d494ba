import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import { boundedLru } from '../lru/bounded-lru';
import { ACCESS_TOKEN, ACCOUNT_ROLES, type AccountRoleName } from '@kinema/contracts';
import type { SigningKeyCache } from './signing-keys';

// The contract with the users service (libs/contracts): RFC 9068-typed ES256 tokens of this
// issuer for this audience; anything far larger than such a token is refused before parsing.
const {
  algorithm: ACCESS_TOKEN_ALGORITHM,
  issuer: ACCESS_TOKEN_ISSUER,
  audience: ACCESS_TOKEN_AUDIENCE,
  type: ACCESS_TOKEN_TYPE,
  maxLength: ACCESS_TOKEN_MAX_LENGTH,
} = ACCESS_TOKEN;

/** What a signature-checked access token says; whether its session still lives is checked apart. */
export interface AccessTokenClaims {
  accountId: string;
  role: AccountRoleName;
  sessionId: string;
  expiresAt: Date;
}

class UnknownKeyError extends Error {}

/** Tokens whose signature was checked, remembered; a busy caller sends the same one many times. */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Verifies access tokens locally against the users service's published keys: algorithm pinned to
 * ES256, issuer, audience, type and expiry checked. Undefined means "not a valid token".
 *
 * A token that passed is remembered until it expires: the same bytes carry the same signature,
 * so checking it again (about 80 µs of ECDSA per request) would only repeat the verdict. Expiry
 * is still checked on every use; whether its session lives is SessionCheck's question, asked
 * every time.
 */
export class AccessTokenVerifier {
  private readonly verified = boundedLru<string, AccessTokenClaims>(VERIFIED_TOKENS_MAX);

  constructor(
    private readonly keys: SigningKeyCache,
    /** Milliseconds since the epoch, as Date.now (SessionCheck's clock too). */
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    const known = this.verified.get(token);
    if (known) {
      if (this.unexpired(known)) return known;
      this.verified.delete(token);
      return undefined;
    }
    const claims = await this.check(token);
    if (claims) this.verified.set(token, claims);
    return claims;
  }

  /**
   * The claims of a token verified before and not expired, known at once; undefined when
   * `verify` must be asked (a token not seen, or expired).
   */
  verifiedNow(token: string): AccessTokenClaims | undefined {
    const known = this.verified.get(token);
    return known && this.unexpired(known) ? known : undefined;
  }

  private unexpired(claims: AccessTokenClaims): boolean {
    return claims.expiresAt.getTime() > this.now();
  }

  private async check(token: string): Promise<AccessTokenClaims | undefined> {
    if (token.length === 0 || token.length > ACCESS_TOKEN_MAX_LENGTH) return undefined;
    try {
      const { payload } = await jwtVerify(
        token,
        async (header: JWTHeaderParameters) => {
          // jose checks `algorithms` before asking for a key; this is a second lock on the door.
          if (header.alg !== ACCESS_TOKEN_ALGORITHM || !header.kid) throw new UnknownKeyError();
          const key = await this.keys.keyFor(header.kid);
          if (!key) throw new UnknownKeyError();
          return key;
        },
        {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'exp', 'sid'],
          currentDate: new Date(this.now()),
        },
      );
      const { sub, exp, role, sid } = payload;
      if (!sub || exp === undefined || typeof sid !== 'string') return undefined;
      if (!ACCOUNT_ROLES.isName(role)) return undefined;
      return { accountId: sub, role, sessionId: sid, expiresAt: new Date(exp * 1000) };
    } catch (error) {
      // Only verdicts about the token mean "invalid"; a failure to fetch keys is an outage (503).
      if (error instanceof errors.JOSEError || error instanceof UnknownKeyError) return undefined;
      throw error;
    }
  }
}
