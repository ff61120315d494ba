import { defineConfig } from '@playwright/test';
import { join } from 'node:path';
// The module itself, not the package's index: every worker loads this config, and the index would
// load the launcher and the stand-ins with it (0.7 s and 45 MiB a worker).
import { headlessChromium } from '@kinema/dev-infra/dist/testing/headless-chromium';

/** Build output of these tests (screenshots, traces): gitignored. */
export const ARTIFACTS_DIR = join(__dirname, 'artifacts');

// One system for every flow (started in global setup, as `npm start` starts it); each flow in its
// own browser context (its own person). Flows run two at a time (a browser each; CI has two
// cores), except those tagged @edits: they edit the shared catalog (create, rename, publish or
// delete titles), and every signed-in page hears of an edit and refetches what shows the title, so
// a flow counting its page's requests or waiting for one notice would see another flow's edit.
// They run one after another once every other flow has finished.
const edits = /@edits/;
const desktop = { viewport: { width: 1440, height: 900 } };
// A phone is a touch screen: no fine pointer and no hover, which the app's CSS can ask about.
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
export default defineConfig({
  testDir: join(__dirname, 'src'),
  testMatch: '**/*.browser.ts',
  globalSetup: join(__dirname, 'src/support/global-setup.ts'),
  outputDir: join(ARTIFACTS_DIR, 'results'),
  workers: 2,
  fullyParallel: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // A run that fails prints the end of the system's output after the list.
  reporter: [['list'], [join(__dirname, 'src/support/system-log.reporter.ts')]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: headlessChromium.executablePath,
      // The player page starts its video on arrival, with no click on the page itself to allow it.
      args: [...headlessChromium.args, '--autoplay-policy=no-user-gesture-required'],
    },
    // A failed flow keeps its trace: every action with the DOM before and after it, and the
    // network. Without the screencast, whose frames (captured and encoded the whole time, for every
    // flow, passed or not) are what a trace costs most to record.
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
  },
  // Every flow at a desktop's size; the flows tagged @phone again at a phone's, where layout
  // decides whether they work at all.
  projects: [
    { name: 'desktop', grepInvert: edits, use: desktop },
    { name: 'phone', grep: /@phone/, grepInvert: edits, use: phone },
    {
      name: 'desktop, edits',
      grep: edits,
      dependencies: ['desktop', 'phone'],
      workers: 1,
      use: desktop,
    },
    {
      name: 'phone, edits',
      grep: /^(?=.*@phone)(?=.*@edits)/,
      dependencies: ['desktop, edits'],
      workers: 1,
      use: phone,
    },
  ],
});
