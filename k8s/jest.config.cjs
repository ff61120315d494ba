// Offline checks of the Helm chart, the Dockerfile and the cluster scripts.
module.exports = require('../jest.preset.cjs').projectConfig(__dirname, {
  testMatch: ['<rootDir>/tests/**/*.spec.ts'],
  // One `helm template` per values file per spec file, plus a real `nx build`: more than the
  // 5 s default, well under the suite's 90 s budget.
  testTimeout: 120_000,
  // helm and the Dockerfile's build are processes of their own: two files at a time keep both
  // cores busy (102 s one at a time, 70 s two at a time).
  maxWorkers: 2,
});
