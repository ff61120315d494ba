const { projectConfig } = require('../../jest.preset.cjs');

// The checks live beside the scripts they serve, not under src/.
module.exports = projectConfig(__dirname, { testMatch: ['<rootDir>/*.spec.ts'] });
