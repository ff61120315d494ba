import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Listeners } from '@kinema/contracts';
import type { CustomStrategy, NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createLogger, PinoNestLogger } from '../logging/logger';
import { Lifecycle } from '../ops/lifecycle';
import { collectProcessMetrics } from '../ops/metrics';
import { BoundPortServerGrpc } from './bound-port-server-grpc';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { GrpcServerInterceptor } from './grpc-server.interceptor';
import { grpcServerOptions } from './grpc-server.options';
import { GrpcHealth } from './health';

export interface GrpcServiceBootstrap {
  /** Short service name used in logs and metrics, e.g. `catalog`. */
  name: string;
  module: Type<unknown> | DynamicModule;
  logLevel: string;
  grpc: {
    package: string;
    packageDefinition: Record<string, unknown>;
    /** Fully qualified names reported by the health service. */
    services: readonly string[];
    host: string;
    port: number;
    maxConnectionAgeMs: number;
  };
  ops: { host: string; port: number };
}

export interface RunningGrpcService {
  app: INestApplication;
  logger: Logger;
  health: GrpcHealth;
  /** The gRPC port actually bound (useful when 0 was asked for). */
  grpcPort: number;
  opsPort: number;
  listeners: Listeners;
  /** Flips readiness and health off; call before app.close(). */
  drain(): void;
}

/**
 * Starts a NestJS gRPC service: the gRPC server (with grpc.health.v1) and a small ops HTTP
 * server for /healthz, /readyz and /metrics. Module init (migrations) completes before serving.
 */
export async function bootstrapGrpcService(
  spec: GrpcServiceBootstrap,
): Promise<RunningGrpcService> {
  const logger = createLogger(spec.name, spec.logLevel);
  collectProcessMetrics(spec.name);
  const app = await NestFactory.create<NestFastifyApplication>(spec.module, new FastifyAdapter(), {
    logger: new PinoNestLogger(logger),
  });
  const health = new GrpcHealth(spec.grpc.services);
  const transport = new BoundPortServerGrpc(
    grpcServerOptions({ ...spec.grpc, health: health.implementation }).options,
  );
  // Deferred so the filter and interceptor are registered before the handlers are wired; Nest
  // ignores (with a warning) global enhancers added to an initialised microservice.
  // connectMicroservice returns the NestMicroservice it creates; its interface type hides the
  // initialisation steps that deferInitialization leaves to us.
  const microservice = app.connectMicroservice<CustomStrategy>(
    { strategy: transport },
    { deferInitialization: true },
  ) as unknown as NestMicroservice;
  microservice.useGlobalInterceptors(new GrpcServerInterceptor());
  microservice.useGlobalFilters(new GrpcExceptionFilter());
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  // Module init hooks (migrations) run once, with the HTTP application's init below.
  microservice.setIsInitHookCalled(true);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(spec.ops.port, spec.ops.host);
  const address = app.getHttpServer().address();
  const opsPort = typeof address === 'object' && address ? address.port : spec.ops.port;
  const grpcPort = transport.boundPort ?? spec.grpc.port;
  const lifecycle = app.get(Lifecycle);
  lifecycle.setReady(true);
  health.setServing(true);
  logger.info({ grpcPort, opsPort }, `${spec.name} serving`);
  return {
    app,
    logger,
    health,
    grpcPort,
    opsPort,
    listeners: { grpc: grpcPort, ops: opsPort },
    drain: () => {
      lifecycle.setReady(false);
      health.setServing(false);
    },
  };
}
