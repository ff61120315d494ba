import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The web app bundles these from their source (apps/web/vite.config.ts): an import in one would
// bring its module, the generated protobuf code for instance, into every visitor's download.
const TAKEN_BY_THE_WEB_APP = [
  'maturity-names.ts',
  'account-limits.ts',
  'catalog-limits.ts',
  'identifiers.ts',
  'artwork-limits.ts',
  'text.ts',
];

describe('the contract modules the web app takes from source', () => {
  it.each(TAKEN_BY_THE_WEB_APP)('%s imports nothing', (file) => {
    const source = readFileSync(join(__dirname, file), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });
});
