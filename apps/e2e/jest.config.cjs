const { projectConfig } = require('../../jest.preset.cjs');

// The whole system as processes: one file at a time, generous timeouts for start-up.
// jose (used to mint test tokens) ships only ES modules; SWC turns it into CommonJS.
module.exports = projectConfig(__dirname, {
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120000,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
});
