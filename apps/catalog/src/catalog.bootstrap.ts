import { catalogPackageDefinition, GRPC_SERVICES } from '@kinema/contracts';
import { bootstrapGrpcService, type RunningGrpcService } from '@kinema/platform';
import { CatalogModule } from './catalog.module';
import type { CatalogConfig } from './config';

/** Starts the catalog: migrations, then gRPC (with health) and the ops HTTP port. */
export function startCatalog(config: CatalogConfig): Promise<RunningGrpcService> {
  return bootstrapGrpcService({
    name: 'catalog',
    module: CatalogModule.forRoot(config),
    logLevel: config.LOG_LEVEL,
    grpc: {
      package: 'kinema.catalog.v1',
      packageDefinition: catalogPackageDefinition,
      services: [GRPC_SERVICES.catalog],
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE_MS,
    },
    ops: { host: config.OPS_HOST, port: config.OPS_PORT },
  });
}
