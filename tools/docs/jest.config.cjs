const { projectConfig } = require('../../jest.preset.cjs');

// The checks read the apps' configuration schemas from source, as the jest preset maps them.
module.exports = projectConfig(__dirname);
