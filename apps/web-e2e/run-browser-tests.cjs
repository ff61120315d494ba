// Runs the browser tests in Debian's Chromium. Without one they are skipped with one line saying
// how to install it, except under CI, where a missing browser is a failure.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

// Debian's Chromium; Playwright cannot download its own browsers here.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

if (!existsSync(CHROMIUM_PATH)) {
  const line = `Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env.CI) {
    console.error(`${line}; CI must run them.`);
    process.exit(1);
  }
  console.log(line);
  process.exit(0);
}
const env = { ...process.env, CHROMIUM_PATH };
// Playwright starts its workers with FORCE_COLOR=1, and Node warns in each that NO_COLOR is then
// ignored; Nx itself turns FORCE_COLOR=0 (as CI sets it) into NO_COLOR=1. Playwright's runner
// takes FORCE_COLOR=0 as it takes NO_COLOR, so no colour is asked for that way instead.
if (env.NO_COLOR) env.FORCE_COLOR = '0';
delete env.NO_COLOR;
const cli = require.resolve('@playwright/test/cli');
const result = spawnSync(
  process.execPath,
  [cli, 'test', '-c', join(__dirname, 'playwright.config.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
