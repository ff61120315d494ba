import { Global, Module } from '@nestjs/common';
import { GRPC_SERVICES, UsersServiceClient } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform/grpc';
import { USERS_GRPC_CLIENT, UsersClient } from './users.client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

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
@Global()
@Module({
  providers: [
    {
      provide: USERS_GRPC_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createGrpcClient(UsersServiceClient, {
          target: config.USERS_GRPC_TARGET,
          service: GRPC_SERVICES.users,
          idempotentMethods: IDEMPOTENT_READS,
          deadlineMs: config.GRPC_DEADLINE_MS,
        }),
    },
    UsersClient,
  ],
  exports: [UsersClient],
})
export class UsersGrpcModule {}
