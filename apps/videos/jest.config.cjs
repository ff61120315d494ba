const { projectConfig } = require('../../jest.preset.cjs');

// Integration specs boot a real videos service on a real (or embedded) PostgreSQL and the
// embedded S3 server in beforeAll; a generous bound only keeps a hang from stalling the run.
// mp4box needs no transform (unlike users' jose): its package exports a CommonJS build under the
// `require` condition, which both Node and Jest's resolver pick.
module.exports = projectConfig(__dirname, { testTimeout: 60_000 });
