// Writes docs/configuration.md from the configuration schemas (configuration-doc.ts).
// Usage: npx nx run docs:generate
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'prettier';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './configuration-doc';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../../..');
  const target = join(root, CONFIGURATION_DOC);
  writeFileSync(target, await format(renderConfigurationDoc(root), { filepath: target }));
  process.stdout.write(`wrote ${CONFIGURATION_DOC}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
