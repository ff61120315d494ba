import type { ChannelOptions, Server } from '@grpc/grpc-js';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { HealthImplementation } from 'grpc-health-check';
import { addReflection } from './reflection';

export interface GrpcServerConfig {
  /** Package name as in the .proto, e.g. `kinema.catalog.v1`. */
  package: string;
  /** Package definition built from the generated service definitions (libs/contracts). */
  packageDefinition: Record<string, unknown>;
  host: string;
  port: number;
  /** After this age a connection is closed gracefully so clients re-balance onto new pods. */
  maxConnectionAgeMs: number;
  health: HealthImplementation;
  /** Fully qualified names of the services this server implements, described by reflection. */
  services: readonly string[];
}

export function grpcServerChannelOptions(maxConnectionAgeMs: number): ChannelOptions {
  return {
    'grpc.max_connection_age_ms': maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': 30_000,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 10_000,
    // Clients ping every second even when idle (how they notice a hung replica); allow it.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 500,
  };
}

/**
 * NestJS gRPC transport options that also serve grpc.health.v1.Health and server reflection on
 * the same port.
 */
export function grpcServerOptions(config: GrpcServerConfig): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: config.package,
      packageDefinition: config.packageDefinition,
      url: `${config.host}:${config.port}`,
      channelOptions: grpcServerChannelOptions(config.maxConnectionAgeMs),
      gracefulShutdown: true,
      onLoadPackageDefinition: (_pkg: unknown, server: Server) => {
        config.health.addToServer(server);
        addReflection(server, config.services);
      },
    },
  };
}
