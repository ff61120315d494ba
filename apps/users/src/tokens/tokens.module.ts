import { Module } from '@nestjs/common';
import type { UsersConfig } from '../config';
import { USERS_CONFIG } from '../users.constants';
import { TokenIntrospection } from './token-introspection.service';
import { AccessTokenSigner } from './access-token.signer';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  providers: [
    {
      provide: AccessTokenSigner,
      inject: [USERS_CONFIG],
      useFactory: (config: UsersConfig) =>
        AccessTokenSigner.create(config.JWT_PRIVATE_KEY, config.ACCESS_TOKEN_TTL_SECONDS),
    },
    SessionsRepository,
    SessionsService,
    TokenIntrospection,
  ],
  exports: [AccessTokenSigner, SessionsService, TokenIntrospection],
})
export class TokensModule {}
