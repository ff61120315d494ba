// Checks libs/contracts/proto for wire-breaking changes against the main branch. Skips, saying
// so, when main does not contain the protos yet (the first commit that adds them).
const { execFileSync, spawnSync } = require('node:child_process');

const against = process.env.BUF_BREAKING_AGAINST ?? 'main';
const hasProtos =
  spawnSync('git', ['cat-file', '-e', `${against}:libs/contracts/proto`]).status === 0;
if (!hasProtos) {
  console.log(`buf breaking: ${against} has no libs/contracts/proto yet; nothing to compare.`);
  process.exit(0);
}
execFileSync(
  'buf',
  ['breaking', '--against', `../../.git#ref=${against},subdir=libs/contracts/proto`],
  { stdio: 'inherit' },
);
