import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

/** Build output of these tests (screenshots, traces): gitignored. */
export const ARTIFACTS_DIR = join(__dirname, 'artifacts');

// One system for every flow (started in global setup, as `npm start` starts it); flows run one
// after another in one worker, each in its own browser context (its own person).
export default defineConfig({
  testDir: join(__dirname, 'src'),
  testMatch: '**/*.browser.ts',
  globalSetup: join(__dirname, 'src/support/global-setup.ts'),
  outputDir: join(ARTIFACTS_DIR, 'results'),
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // A run that fails prints the end of the system's output after the list.
  reporter: [['list'], [join(__dirname, 'src/support/system-log.reporter.ts')]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
    // A failed flow keeps its trace: every action with the DOM before and after it, and the
    // network. Without the screencast, whose frames (captured and encoded the whole time, for every
    // flow, passed or not) are what a trace costs most to record.
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
  },
  // Every flow at a desktop's size; the flows tagged @phone again at a phone's, where layout
  // decides whether they work at all.
  projects: [
    { name: 'desktop', use: { viewport: { width: 1440, height: 900 } } },
    { name: 'phone', grep: /@phone/, use: { viewport: { width: 390, height: 844 } } },
  ],
});
