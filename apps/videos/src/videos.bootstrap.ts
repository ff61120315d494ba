import { GRPC_SERVICES, videosPackageDefinition } from '@kinema/contracts';
import { bootstrapGrpcService, type RunningGrpcService } from '@kinema/platform';
import type { VideosConfig } from './config';
import { VideosServiceModule } from './videos.module';

/**
 * Starts the videos service: migrations, then gRPC (with health) and the ops HTTP port.
 * gRPC's default 4 MiB message limit fits ReadVideo's 256 KiB chunks and the gateway's 64 KiB upload chunks.
 */
export function startVideos(config: VideosConfig): Promise<RunningGrpcService> {
  return bootstrapGrpcService({
    name: 'videos',
    module: VideosServiceModule.forRoot(config),
    logLevel: config.LOG_LEVEL,
    grpc: {
      package: 'kinema.videos.v1',
      packageDefinition: videosPackageDefinition,
      services: [GRPC_SERVICES.videos, GRPC_SERVICES.artwork],
      host: config.GRPC_HOST,
      port: config.GRPC_PORT,
      maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE_MS,
    },
    ops: { host: config.OPS_HOST, port: config.OPS_PORT },
  });
}
