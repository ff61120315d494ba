import { parseConfig } from '@kinema/platform/config';
import { createLogger } from '@kinema/platform/logging';
import type { OpenAPIObject } from '@nestjs/swagger';
import { configSchema } from './config';
import { createGatewayApp } from './gateway.bootstrap';
import { buildOpenApiDocument } from './http/openapi';

/**
 * The OpenAPI document the running gateway serves at /docs/openapi.json, built without listening
 * or reaching any service (the export target and the document's tests use it).
 */
export async function offlineOpenApiDocument(): Promise<OpenAPIObject> {
  const config = parseConfig(configSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'fatal',
    KAFKA_BROKERS: '127.0.0.1:1',
  });
  const app = await createGatewayApp(config, createLogger('gateway', 'fatal'));
  await app.init();
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
