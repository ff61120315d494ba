import {
  ACCESS_TOKEN,
  ACCOUNT_ROLES,
  type GetSigningKeysResponse,
  type VerifyAccessTokenResponse,
} from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { Violations } from '../common/input-rules';
import { AccessTokenSigner } from './access-token.signer';
import { SessionsService } from './sessions.service';

const ACCESS_TOKEN_MAX_LENGTH = ACCESS_TOKEN.maxLength;

/**
 * Token introspection (in RFC 7662's sense): is this access token active? Beyond its signature,
 * the account and the session must still exist.
 * The gateway verifies signatures locally with the published keys; this is for callers that
 * must notice a logout or a deleted account before the token expires.
 */
@Injectable()
export class TokenIntrospection {
  constructor(
    private readonly signer: AccessTokenSigner,
    private readonly sessions: SessionsService,
  ) {}

  async verify(token: string): Promise<VerifyAccessTokenResponse> {
    const violations = new Violations();
    if (token === '') violations.add('access_token', 'is required');
    else if (token.length > ACCESS_TOKEN_MAX_LENGTH)
      violations.add('access_token', `must be at most ${ACCESS_TOKEN_MAX_LENGTH} characters`);
    violations.throwIfAny();
    const claims = await this.signer.verify(token);
    if (!claims) throw invalidAccessToken('The access token is invalid or expired.');
    const role = await this.sessions.activeRole(claims.sessionId, claims.accountId);
    if (!role) throw invalidAccessToken('The session of this access token has ended.');
    return {
      accountId: claims.accountId,
      role: ACCOUNT_ROLES.toProto(role),
      sessionId: claims.sessionId,
    };
  }

  signingKeys(): GetSigningKeysResponse {
    return {
      keys: this.signer.publicKeys(),
      issuer: ACCESS_TOKEN.issuer,
      audience: ACCESS_TOKEN.audience,
    };
  }
}

function invalidAccessToken(message: string): DomainError {
  return new DomainError('unauthenticated', 'INVALID_ACCESS_TOKEN', message);
}
