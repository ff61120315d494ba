import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { offlineOpenApiDocument } from './openapi-document';

/**
 * Writes the OpenAPI document the running gateway serves at /docs/openapi.json to the file named
 * on the command line, without listening or reaching any service: clients (the web app) generate
 * their API types from it at build time.
 */
async function exportDocument(target: string): Promise<void> {
  const document = await offlineOpenApiDocument();
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
