import { Module } from '@nestjs/common';
import type { UsersConfig } from '../config';
import { USERS_CONFIG } from '../users.constants';
import { AccessTokenVerifier } from './access-token-verifier.service';
import { AccessTokenSigner } from './access-token.signer';
import { SessionsService } from './sessions.service';

@Module({
  providers: [
    {
      provide: AccessTokenSigner,
      inject: [USERS_CONFIG],
      useFactory: (config: UsersConfig) =>
        AccessTokenSigner.create(config.JWT_PRIVATE_KEY, config.ACCESS_TOKEN_TTL_SECONDS),
    },
    SessionsService,
    AccessTokenVerifier,
  ],
  exports: [AccessTokenSigner, SessionsService, AccessTokenVerifier],
})
export class TokensModule {}
