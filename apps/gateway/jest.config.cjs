const { projectConfig } = require('../../jest.preset.cjs');

// jose ships only ES modules; SWC turns it into CommonJS like our own sources.
module.exports = projectConfig(__dirname, {
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
});
