import { type GetSigningKeysResponse, type VerifyAccessTokenResponse } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { toRole } from '../accounts/account.mapper';
import { Violations } from '../common/input-rules';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenSigner,
} from './access-token.signer';
import { SessionsService } from './sessions.service';

// ES256 JWTs of this service are a few hundred bytes; anything far larger is not one of ours.
const ACCESS_TOKEN_MAX_LENGTH = 4_096;

/**
 * Checks an access token beyond its signature: the account and the session must still exist.
 * The gateway verifies signatures locally with the published keys; this is for callers that
 * must notice a logout or a deleted account before the token expires.
 */
@Injectable()
export class AccessTokenVerifier {
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
    return { accountId: claims.accountId, role: toRole(role), sessionId: claims.sessionId };
  }

  signingKeys(): GetSigningKeysResponse {
    return {
      keys: this.signer.publicKeys(),
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
    };
  }
}

function invalidAccessToken(message: string): DomainError {
  return new DomainError('unauthenticated', 'INVALID_ACCESS_TOKEN', message);
}
