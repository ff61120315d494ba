import { parseConfig } from '@kinema/platform/config';
import { createLogger } from '@kinema/platform/logging';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { configSchema } from '../config';
import { createGatewayApp } from '../gateway.bootstrap';
import type { FakeServices } from './fake-services';

/**
 * The real gateway application over faked back ends (every gRPC target is `services`), with a
 * test's own settings on top; initialised, not listening (inject requests, or call listen).
 */
export async function createTestGateway(
  services: FakeServices,
  env: Record<string, string> = {},
  logger: Logger = createLogger('gateway', 'fatal'),
): Promise<NestFastifyApplication> {
  const target = await services.start();
  const config = parseConfig(configSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'fatal',
    CATALOG_GRPC_TARGET: target,
    USERS_GRPC_TARGET: target,
    VIDEOS_GRPC_TARGET: target,
    KAFKA_BROKERS: '127.0.0.1:1',
    ...env,
  });
  const app = await createGatewayApp(config, logger);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
