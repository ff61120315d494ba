import nx from '@nx/eslint-plugin';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

// The gateway's folders, each with the folders it may import (besides itself). Features first,
// then the layers below every feature: caller identity, the service clients, HTTP, bounded LRU
// caches, config.
const GATEWAY_BELOW_FEATURES = ['viewer', 'users', 'http', 'lru', 'config'];
const GATEWAY_LAYERS = {
  artwork: ['videos', 'auth', ...GATEWAY_BELOW_FEATURES],
  videos: ['catalog', 'events', 'auth', 'rate-limit', ...GATEWAY_BELOW_FEATURES],
  me: ['catalog', 'cache', 'auth', 'idempotency', ...GATEWAY_BELOW_FEATURES],
  catalog: ['cache', 'auth', 'idempotency', ...GATEWAY_BELOW_FEATURES],
  events: ['realtime', 'cache', 'auth', ...GATEWAY_BELOW_FEATURES],
  realtime: ['auth', ...GATEWAY_BELOW_FEATURES],
  cache: ['auth', 'rate-limit', ...GATEWAY_BELOW_FEATURES],
  auth: ['rate-limit', 'idempotency', ...GATEWAY_BELOW_FEATURES],
  'rate-limit': GATEWAY_BELOW_FEATURES,
  idempotency: GATEWAY_BELOW_FEATURES,
  web: ['http', 'config'],
  viewer: ['users', 'http', 'lru', 'config'],
  users: ['config'],
  http: ['config'],
  lru: [],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/generated',
      '**/.nx',
      '**/.data',
      '**/.cache',
      '**/coverage',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // apps -> platform -> contracts; apps never import each other.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // Production code never imports the embedded stand-ins; only tests and tooling do.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:catalog', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:users', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:videos', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The load generator is a client of the public API: shared rules, nothing else.
            { sourceTag: 'scope:loadgen', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The web app talks to the system over HTTP only: it imports no service or stand-in, and
            // of the libs only the contract's vocabularies (dependency-free entry points).
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:contracts'] },
            { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dev'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The gateway's folders stack in layers (GATEWAY_LAYERS): a folder imports only itself and the
    // folders listed for it, so no two folders import each other and nothing below the features
    // (viewer/, users/, http/, config) imports one. The modules at the top (app.module.ts,
    // http-edge.module.ts, ...) assemble the rest.
    files: ['apps/gateway/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', 'apps/gateway/src/testing/**'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/elements': [
        { type: 'gateway-folder', pattern: 'apps/gateway/src/*', capture: ['folder'] },
      ],
      'boundaries/files': [
        { category: 'gateway-config', pattern: 'apps/gateway/src/config.ts' },
        { category: 'gateway-top', pattern: 'apps/gateway/src/!(config).ts' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            { allow: { to: { module: { origin: ['external', 'core'] } } } },
            {
              from: { file: { categories: 'gateway-top' } },
              allow: {
                to: [
                  { element: { type: 'gateway-folder' } },
                  { file: { categories: 'gateway-*' } },
                ],
              },
            },
            ...Object.entries(GATEWAY_LAYERS).map(([folder, below]) => ({
              from: { element: { type: 'gateway-folder', captured: { folder } } },
              allow: {
                to: [
                  { element: { type: 'gateway-folder', captured: { folder: [folder, ...below] } } },
                  ...(below.includes('config') ? [{ file: { categories: 'gateway-config' } }] : []),
                ],
              },
            })),
          ],
        },
      ],
    },
  },
  {
    // What the gateway's invalidation thread loads into its own V8 heap: the contracts' root would
    // bring every gRPC codec and grpc-js with it (8 MiB of the gateway's RSS), prom-client and
    // OpenTelemetry's API 1.5 MiB that the thread never uses (docs/performance.md).
    files: [
      'apps/gateway/src/events/invalidation.worker.ts',
      'apps/gateway/src/events/event-feed.ts',
      'apps/gateway/src/cache/title-change.ts',
      'apps/gateway/src/cache/shared-title-changes.ts',
      'libs/platform/src/kafka/*.ts',
      'libs/platform/src/logging/*.ts',
    ],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@kinema/contracts',
              message:
                "Import from '@kinema/contracts/events' (or another subpath): this file runs in the gateway's invalidation thread.",
              allowTypeImports: true,
            },
            ...['prom-client', '@opentelemetry/api', '@kinema/platform/kafka-lag'].map((name) => ({
              name,
              message:
                "This file runs in the gateway's invalidation thread: metrics and spans belong to the serving thread (FeedInstruments, apps/gateway/src/events/event-feed.ts).",
              allowTypeImports: true,
            })),
          ],
        },
      ],
    },
  },
  {
    // Tests may reach for the embedded stand-ins and the testing helpers.
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
