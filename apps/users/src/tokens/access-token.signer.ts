import { ACCESS_TOKEN, type AccountRoleName } from '@kinema/contracts';
import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  importJWK,
  importPKCS8,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { publicJwkOf } from './signing-key';

const {
  issuer: ACCESS_TOKEN_ISSUER,
  audience: ACCESS_TOKEN_AUDIENCE,
  algorithm: ACCESS_TOKEN_ALGORITHM,
  type: ACCESS_TOKEN_TYPE,
} = ACCESS_TOKEN;

/** What an access token says about its bearer. */
export interface AccessTokenSubject {
  accountId: string;
  role: AccountRoleName;
  /** The session (refresh-token family) the token was issued for: the `sid` claim. */
  sessionId: string;
}

export interface VerifiedAccessToken extends AccessTokenSubject {
  tokenId: string;
  expiresAt: Date;
}

export interface PublicSigningKey {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  y: string;
  alg: string;
  use: string;
}

/** Signs and verifies the ES256 access tokens; the gateway verifies them with `publicKeys()`. */
export class AccessTokenSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: PublicSigningKey,
    private readonly ttlSeconds: number,
  ) {}

  static async create(privateKeyPem: string, ttlSeconds: number): Promise<AccessTokenSigner> {
    const jwk = publicJwkOf(privateKeyPem) as JWK;
    // The RFC 7638 thumbprint names the key without a registry, and changes whenever the key does.
    const kid = await calculateJwkThumbprint(jwk);
    const publicJwk: PublicSigningKey = {
      kid,
      kty: String(jwk.kty),
      crv: String(jwk.crv),
      x: String(jwk.x),
      y: String(jwk.y),
      alg: ACCESS_TOKEN_ALGORITHM,
      use: 'sig',
    };
    return new AccessTokenSigner(
      await importPKCS8(privateKeyPem, ACCESS_TOKEN_ALGORITHM),
      (await importJWK(jwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey,
      publicJwk,
      ttlSeconds,
    );
  }

  async sign(
    subject: AccessTokenSubject,
    now = new Date(),
  ): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ role: subject.role, sid: subject.sessionId })
      .setProtectedHeader({
        alg: ACCESS_TOKEN_ALGORITHM,
        kid: this.publicJwk.kid,
        typ: ACCESS_TOKEN_TYPE,
      })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(subject.accountId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The token's claims when it is ours, well-formed and unexpired; undefined otherwise. */
  async verify(token: string, now = new Date()): Promise<VerifiedAccessToken | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'jti'],
      });
      const { sub, jti, exp, role, sid } = payload;
      if (
        !sub ||
        !jti ||
        exp === undefined ||
        (role !== 'viewer' && role !== 'admin') ||
        typeof sid !== 'string'
      ) {
        return undefined;
      }
      return {
        accountId: sub,
        role,
        sessionId: sid,
        tokenId: jti,
        expiresAt: new Date(exp * 1000),
      };
    } catch {
      return undefined;
    }
  }

  publicKeys(): PublicSigningKey[] {
    return [this.publicJwk];
  }
}
