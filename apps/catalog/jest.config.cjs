const { projectConfig } = require('../../jest.preset.cjs');

// Integration specs boot a real catalog on a real (or embedded) PostgreSQL in beforeAll;
// a generous bound only keeps a hang from stalling the run, it never decides a result.
module.exports = projectConfig(__dirname, { testTimeout: 60_000 });
