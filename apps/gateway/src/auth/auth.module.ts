import { Module, type DynamicModule } from '@nestjs/common';
import { UsersClient } from '../users/users.client';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
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
          inject: [UsersClient],
          useFactory: (users: UsersClient) =>
            new SessionCheck(
              (token) => users.verifyAccessToken(token),
              options.sessionCheckCacheMs,
            ),
        },
        AuthGuard,
      ],
      exports: [AccessTokenVerifier, SessionCheck, AuthGuard],
    };
  }
}
