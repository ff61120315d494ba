import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `nx serve web` talks to a gateway started with `npm start` (or GATEWAY_URL), same origin as in
// production: the dev server forwards the API, the docs and the WebSocket to it.
const gateway = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000';

// Source maps are not built (so never served) unless asked for: WEB_SOURCE_MAPS=1 for debugging.
const sourcemap = process.env['WEB_SOURCE_MAPS'] === '1';

export default defineConfig({
  plugins: [react()],
  // The contract's vocabularies and limits the pages use, taken from their source (they import
  // nothing).
  resolve: {
    alias: {
      '@kinema/contracts/maturity-names': fileURLToPath(
        new URL('../../libs/contracts/src/rules/maturity-names.ts', import.meta.url),
      ),
      '@kinema/contracts/account-limits': fileURLToPath(
        new URL('../../libs/contracts/src/rules/account-limits.ts', import.meta.url),
      ),
      '@kinema/contracts/catalog-limits': fileURLToPath(
        new URL('../../libs/contracts/src/rules/catalog-limits.ts', import.meta.url),
      ),
      '@kinema/contracts/identifiers': fileURLToPath(
        new URL('../../libs/contracts/src/rules/identifiers.ts', import.meta.url),
      ),
      '@kinema/contracts/artwork-limits': fileURLToPath(
        new URL('../../libs/contracts/src/rules/artwork-limits.ts', import.meta.url),
      ),
      '@kinema/contracts/text': fileURLToPath(
        new URL('../../libs/contracts/src/rules/text.ts', import.meta.url),
      ),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap },
  server: {
    proxy: {
      '/api': { target: gateway, changeOrigin: true },
      '/docs': { target: gateway, changeOrigin: true },
      '/ws': { target: gateway, ws: true, changeOrigin: true },
    },
  },
  test: { environment: 'node', include: ['src/**/*.spec.ts'] },
});
