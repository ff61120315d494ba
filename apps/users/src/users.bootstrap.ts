import { GRPC_SERVICES, usersPackageDefinition } from '@kinema/contracts';
import { bootstrapGrpcService, type RunningGrpcService } from '@kinema/platform';
import type { UsersConfig } from './config';
import { UsersModule } from './users.module';

/** Starts the users service: migrations, then gRPC (with health) and the ops HTTP port. */
export function startUsers(config: UsersConfig): Promise<RunningGrpcService> {
  return bootstrapGrpcService({
    name: 'users',
    module: UsersModule.forRoot(config),
    logLevel: config.LOG_LEVEL,
    grpc: {
      package: 'kinema.users.v1',
      packageDefinition: usersPackageDefinition,
      services: [GRPC_SERVICES.users],
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE_MS,
    },
    ops: { host: config.OPS_HOST, port: config.OPS_PORT },
  });
}
