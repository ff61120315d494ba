const { projectConfig } = require('../../jest.preset.cjs');

// Integration specs boot a real users service on a real (or embedded) PostgreSQL in beforeAll;
// a generous bound only keeps a hang from stalling the run, it never decides a result.
// jose ships only ES modules; SWC turns it into CommonJS like our own sources.
module.exports = projectConfig(__dirname, {
  testTimeout: 60_000,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
});
