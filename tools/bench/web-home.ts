// How fast the web app's home page shows on a warm start: navigation timing of N reloads in
// headless Chromium (Debian's; apt-get install chromium), signed in as a new viewer.
//   npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/web-home.ts [--loads 10] [--url http://localhost:3000]
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runScript, startSystem } from '@kinema/dev-infra';

interface Timing {
  /** Response end of index.html, from navigation start. */
  html: number;
  domContentLoaded: number;
  load: number;
  /** The first poster of the Trending now row on screen: what a person waits for. */
  rows: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(url: string, loads: number): Promise<Timing[]> {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ baseURL: url, viewport: { width: 1440, height: 900 } });
    await page.goto('/register');
    await page.getByLabel('Email').fill(`bench-${Date.now().toString(36)}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('.profile-button').first().click();
    const firstPoster = page.locator('section[aria-labelledby="row-trending-now"] a').first();
    await firstPoster.waitFor();
    const timings: Timing[] = [];
    // The first reload warms the browser's cache and the gateway's; it is not counted.
    for (let i = 0; i <= loads; i += 1) {
      await page.reload();
      await firstPoster.waitFor();
      const timing = await page.evaluate(() => {
        // Runs in the page; this project's types are Node's, so the DOM entry is described here.
        const timeline = performance as unknown as {
          getEntriesByType(type: 'navigation'): Array<{
            responseEnd: number;
            domContentLoadedEventEnd: number;
            loadEventEnd: number;
          }>;
        };
        const [entry] = timeline.getEntriesByType('navigation');
        return {
          html: entry?.responseEnd ?? 0,
          domContentLoaded: entry?.domContentLoadedEventEnd ?? 0,
          load: entry?.loadEventEnd ?? 0,
          rows: performance.now(),
        };
      });
      if (i > 0) timings.push(timing);
    }
    return timings;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { loads: { type: 'string', default: '10' }, url: { type: 'string' } },
  });
  const loads = Number(values.loads);
  let url = values.url;
  let stop = async () => undefined as void;
  if (!url) {
    const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-web-'));
    const system = await startSystem({
      dataDir,
      ephemeralPorts: true,
      demoTitles: 500,
      logLevel: 'warn',
      env: { ...process.env, KAFKA_BROKERS: '', S3_ENDPOINT: '' },
      sink: () => undefined,
    });
    url = system.gatewayUrl;
    stop = async () => {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  try {
    const timings = await measure(url, loads);
    const row = (name: keyof Timing) => {
      const values = timings.map((timing) => timing[name]);
      return `  ${name.padEnd(17)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms   max ${Math.max(
        ...values,
      )
        .toFixed(0)
        .padStart(5)} ms`;
    };
    process.stdout.write(
      [
        `Home page, warm, ${loads} reloads at 1440x900 (${url}):`,
        row('html'),
        row('domContentLoaded'),
        row('load'),
        row('rows'),
        '',
      ].join('\n'),
    );
  } finally {
    await stop();
  }
}

runScript(main);
