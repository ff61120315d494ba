import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

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
            // The web app talks to the system over HTTP only: it imports no service, lib or stand-in.
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web'] },
            { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dev'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests may reach for the embedded stand-ins and the testing helpers.
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
