import { Module, type DynamicModule } from '@nestjs/common';
import { GRPC_SERVICES, UsersServiceClient } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform/grpc';
import { USERS_GRPC_CLIENT, UsersClient } from './users.client';

export interface UsersGrpcModuleOptions {
  target: string;
  deadlineMs: number;
}

// Reads only (hedged): a Register, Login or Refresh sent twice could create twice or burn a refresh token.
const IDEMPOTENT_READS = [
  'GetAccount',
  'VerifyAccessToken',
  'GetSigningKeys',
  'ListProfiles',
  'GetProfile',
  'ListMyList',
  'ListContinueWatching',
] as const;

/** The users service's client, global so auth, /me and the catalog's personal rows share one channel. */
@Module({})
export class UsersGrpcModule {
  static forRoot(options: UsersGrpcModuleOptions): DynamicModule {
    return {
      module: UsersGrpcModule,
      global: true,
      providers: [
        {
          provide: USERS_GRPC_CLIENT,
          useFactory: () =>
            createGrpcClient(UsersServiceClient, {
              target: options.target,
              service: GRPC_SERVICES.users,
              idempotentMethods: IDEMPOTENT_READS,
              deadlineMs: options.deadlineMs,
            }),
        },
        UsersClient,
      ],
      exports: [UsersClient],
    };
  }
}
