// Shared Jest settings: SWC compiles TypeScript (with decorator metadata, which NestJS DI needs)
// far faster than ts-jest; type checking is the separate `typecheck` target.
const path = require('node:path');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const root = __dirname;

/** Builds one project's Jest config; workspace libraries resolve to their TypeScript sources. */
function projectConfig(projectDir, overrides = {}) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcOptions] },
    moduleNameMapper: {
      '^@kinema/contracts$': path.join(root, 'libs/contracts/src/index.ts'),
      // Entry points by concern (libs/contracts/package.json "exports"), each an index of its folder.
      '^@kinema/contracts/(.+)$': path.join(root, 'libs/contracts/src/$1/index.ts'),
      '^@kinema/platform$': path.join(root, 'libs/platform/src/index.ts'),
      // Entry points by concern (libs/platform/package.json "exports"), each an index of its folder.
      '^@kinema/platform/(.+)$': path.join(root, 'libs/platform/src/$1/index.ts'),
      '^@kinema/dev-infra$': path.join(root, 'libs/dev-infra/src/index.ts'),
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    ...overrides,
  };
}

module.exports = { projectConfig, swcOptions };
