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
const cli = require.resolve('@playwright/test/cli');
const result = spawnSync(
  process.execPath,
  [cli, 'test', '-c', join(__dirname, 'playwright.config.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH } },
);
process.exit(result.status ?? 1);
