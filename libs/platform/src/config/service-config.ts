import { LOCAL_SERVICE_PORTS, type LocalService } from '@kinema/contracts/supervision';
import { z } from 'zod';
import { databaseTlsConfigShape } from './database-tls';
import { baseConfigShape, envBool, envInt, envPort, envUrl, secret } from './env';
import { kafkaConfigShape } from './kafka-env';

export interface GrpcServiceDefaults {
  grpcPort: number;
  opsPort: number;
  /** The embedded PGlite this service gets under `npm start`. */
  databaseUrl: string;
}

/** What `service` binds and reads under `npm start`: LOCAL_SERVICE_PORTS and its PGlite. */
export function npmStartDefaults(service: LocalService): GrpcServiceDefaults {
  const ports = LOCAL_SERVICE_PORTS[service];
  return {
    grpcPort: ports.grpc,
    opsPort: ports.ops,
    databaseUrl: `postgres://postgres@127.0.0.1:${ports.pglite}/postgres`,
  };
}

/**
 * Variables every gRPC service with its own database and Kafka reads (on top of
 * baseConfigShape): where it listens, its database, its brokers. Defaults fit `npm start`.
 * Wrap the schema in withServiceChecks for the rules between variables.
 */
export function grpcServiceConfigShape(defaults: GrpcServiceDefaults) {
  return {
    ...baseConfigShape,
    GRPC_HOST: z.string().default('0.0.0.0'),
    GRPC_PORT: envPort(defaults.grpcPort),
    /** After this age a connection is closed gracefully so clients spread onto new pods. */
    GRPC_MAX_CONNECTION_AGE_MS: envInt(300_000, 1_000),
    OPS_HOST: z.string().default('0.0.0.0'),
    OPS_PORT: envPort(defaults.opsPort),
    DATABASE_URL: secret(envUrl(['postgres', 'postgresql'], defaults.databaseUrl)),
    ...databaseTlsConfigShape,
    DATABASE_POOL_MAX: envInt(10, 1, 100),
    /**
     * How long to keep trying to reach the database at start before giving up. On a first
     * Kubernetes install PostgreSQL may take a minute to pull and initialise: the chart sets this
     * within the startup probe's window, so pods wait instead of crash-looping.
     */
    DATABASE_CONNECT_RETRY_MS: envInt(10_000, 0, 600_000),
    /** Run pending migrations at start, under an advisory lock (safe with many replicas). */
    DATABASE_MIGRATIONS_RUN: envBool(true),
    ...kafkaConfigShape,
    /** Partitions of the topics the service creates; more let more consumers share the work. */
    KAFKA_PARTITIONS: envInt(6, 1, 1_000),
    /**
     * The idempotency window: how long a consumer remembers the ids of events it handled, so a
     * redelivery within it changes nothing. Kafka redelivers after a crash or a rebalance, within
     * minutes; a week also covers replaying a topic from a recent offset.
     */
    PROCESSED_EVENTS_RETENTION_MS: envInt(7 * 86_400_000, 3_600_000),
  };
}
