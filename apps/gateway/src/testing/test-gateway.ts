import { parseConfig } from '@kinema/platform/config';
import { createLogger } from '@kinema/platform/logging';
import { join } from 'node:path';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { Logger } from 'pino';
import { AppModule } from '../app.module';
import { configSchema } from '../config';
import { finishGatewayApp, gatewayAdapter, gatewayAppOptions } from '../gateway.bootstrap';
import type { FakeServices } from './fake-services';

/** Replaces providers of the application before it is built (`builder.overrideProvider(...)`). */
export type GatewayOverrides = (builder: TestingModuleBuilder) => TestingModuleBuilder;

/**
 * The real gateway application over faked back ends (every gRPC target is `services`), with a
 * test's own settings on top; initialised, not listening (inject requests, or call listen). It is
 * built from AppModule by Nest's testing module, as production builds it with NestFactory, so
 * `overrides` can replace any provider, the pipeline's included, and `extra` adds providers and
 * controllers beside AppModule (a global enhancer, a route of a test's own).
 */
export async function createTestGateway(
  services: FakeServices,
  env: Record<string, string> = {},
  logger: Logger = createLogger('gateway', 'fatal'),
  overrides: GatewayOverrides = (builder) => builder,
  extra: Pick<ModuleMetadata, 'providers' | 'controllers'> = {},
): Promise<NestFastifyApplication> {
  const target = await services.start();
  const config = parseConfig(configSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'fatal',
    CATALOG_GRPC_TARGET: target,
    USERS_GRPC_TARGET: target,
    VIDEOS_GRPC_TARGET: target,
    KAFKA_BROKERS: '127.0.0.1:1',
    // Not the repository's apps/web/dist: what a test meets must not depend on whether the web
    // app happens to be built (its catch-all route would answer paths nothing else does).
    WEB_DIST_DIR: join(__dirname, 'no-web-build'),
    ...env,
  });
  const moduleRef = await overrides(
    Test.createTestingModule({ imports: [AppModule.forRoot(config, logger)], ...extra }),
  ).compile();
  const app = finishGatewayApp(
    moduleRef.createNestApplication<NestFastifyApplication>(
      gatewayAdapter(config),
      gatewayAppOptions(logger),
    ),
    config,
  );
  await app.init();
  try {
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    // A start refused when Fastify gets ready (a start-up check) leaves nothing running.
    await app.close();
    throw error;
  }
  return app;
}
