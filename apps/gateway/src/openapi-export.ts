import { parseConfig } from '@kinema/platform/config';
import { createLogger } from '@kinema/platform/logging';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { configSchema } from './config';
import { createGatewayApp } from './gateway.bootstrap';
import { buildOpenApiDocument } from './http/openapi';

/**
 * Writes the OpenAPI document the running gateway serves at /docs/openapi.json to the file named
 * on the command line, without listening or reaching any service: clients (the web app) generate
 * their API types from it at build time.
 */
async function exportDocument(target: string): Promise<void> {
  const config = parseConfig(configSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'fatal',
    KAFKA_BROKERS: '127.0.0.1:1',
  });
  const app = await createGatewayApp(config, createLogger('gateway', 'fatal'));
  await app.init();
  const document = buildOpenApiDocument(app);
  await app.close();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
}

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node apps/gateway/dist/openapi-export.js <output.json>\n');
  process.exit(2);
}
exportDocument(resolve(target)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `openapi-export: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
