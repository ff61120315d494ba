import { Module, type DynamicModule } from '@nestjs/common';
import { UsersClient } from '../users/users.client';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthController } from './auth.controller';
import { Authentication } from './authentication';
import { AuthGuard } from './auth.guard';
import { SESSION_TRUST_MS } from '../viewer/session-trust';
import { SessionCheck } from './session-check';
import { SigningKeyCache } from './signing-keys';

export interface AuthModuleOptions {
  sessionCheckCacheMs: number;
}

/** Sign-in routes and the token checks every other route relies on (UsersGrpcModule is global). */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      controllers: [AuthController],
      providers: [
        { provide: SESSION_TRUST_MS, useValue: options.sessionCheckCacheMs },
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
          inject: [UsersClient, SESSION_TRUST_MS],
          useFactory: (users: UsersClient, trustMs: number) =>
            new SessionCheck((token) => users.verifyAccessToken(token), trustMs),
        },
        {
          provide: Authentication,
          inject: [AccessTokenVerifier, SessionCheck],
          useFactory: (tokens: AccessTokenVerifier, sessions: SessionCheck) =>
            new Authentication(tokens, sessions),
        },
        AuthGuard,
      ],
      exports: [AccessTokenVerifier, SessionCheck, Authentication, AuthGuard, SESSION_TRUST_MS],
    };
  }
}
