const { projectConfig } = require('../../jest.preset.cjs');

// The whole system as processes, generous timeouts for start-up. Two files at a time: each starts a
// system of its own (free ports, its own data directory, databases and Redis prefixes), and one
// file alone left a third of two cores idle while it waited on its system (11 min in band, 7.7
// with two). jose (used to mint test tokens) ships only ES modules; SWC turns it into CommonJS.
module.exports = projectConfig(__dirname, {
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  // Node's environment, counting failures so a system prints its processes' output after one.
  testEnvironment: '<rootDir>/src/support/e2e-environment.ts',
  maxWorkers: 2,
  testTimeout: 120000,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
});
