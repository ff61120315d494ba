const { projectConfig } = require('../../jest.preset.cjs');

module.exports = projectConfig(__dirname, {
  setupFiles: ['<rootDir>/jest.setup.cjs'],
});
