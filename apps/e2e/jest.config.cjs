const { projectConfig } = require('../../jest.preset.cjs');

// The whole system as processes, generous timeouts for start-up. Three files at a time on two
// cores: each starts a system of its own (free ports, its own data directory, databases and Redis
// prefixes) and spends part of its time waiting on it. One file alone left a third of two cores
// idle (11 min in band, 7.7 with two); two at a time still kept only 1.5 cores busy (5.7 min),
// three 1.7 (4.3-4.5 min). jose (used to mint test tokens) ships only ES modules; SWC turns it
// into CommonJS.
module.exports = projectConfig(__dirname, {
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  // Node's environment, counting failures so a system prints its processes' output after one.
  testEnvironment: '<rootDir>/src/support/e2e-environment.ts',
  maxWorkers: 3,
  testTimeout: 120000,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
});
