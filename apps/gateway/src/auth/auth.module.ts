import { Global, Module } from '@nestjs/common';
import { UsersClient } from '../users/users.client';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthController } from './auth.controller';
import { Authentication } from './authentication';
import { AuthGuard } from './auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { SessionCheck } from './session-check';
import { SigningKeyCache } from './signing-keys';

/** Sign-in routes and the token checks every other route relies on (UsersGrpcModule is global). */
@Global()
@Module({
  controllers: [AuthController],
  providers: [
    {
      provide: SigningKeyCache,
      inject: [UsersClient],
      useFactory: (users: UsersClient) =>
        new SigningKeyCache(async () => (await users.getSigningKeys()).keys),
    },
    {
      provide: AccessTokenVerifier,
      inject: [SigningKeyCache],
      useFactory: (keys: SigningKeyCache) => new AccessTokenVerifier(keys),
    },
    {
      provide: SessionCheck,
      inject: [UsersClient, GATEWAY_CONFIG],
      useFactory: (users: UsersClient, config: GatewayConfig) =>
        new SessionCheck((token) => users.verifyAccessToken(token), config.SESSION_CHECK_CACHE_MS),
    },
    {
      provide: Authentication,
      inject: [AccessTokenVerifier, SessionCheck],
      useFactory: (tokens: AccessTokenVerifier, sessions: SessionCheck) =>
        new Authentication(tokens, sessions),
    },
    AuthGuard,
  ],
  exports: [AccessTokenVerifier, SessionCheck, Authentication, AuthGuard],
})
export class AuthModule {}
