const { projectConfig } = require('../../jest.preset.cjs');

// The whole system as processes: one file at a time, generous timeouts for start-up.
module.exports = projectConfig(__dirname, {
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120000,
});
