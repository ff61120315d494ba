import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headlessChromium, seedDemoArtwork, seedDemoVideos, startSystem } from '@kinema/dev-infra';

/** Debian's Chromium, headless, as the browser tests run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ ...headlessChromium, args: [...headlessChromium.args] });
}

/** A system as `npm start` runs it (videos and artwork seeded), or the one at `url`. */
export async function webSystem(
  url: string | undefined,
  demoTitles: number,
): Promise<{ url: string; admin: { email: string; password: string }; stop: () => Promise<void> }> {
  if (url)
    return {
      url,
      admin: {
        email: process.env['KINEMA_ADMIN_EMAIL'] ?? 'admin@kinema.local',
        password: process.env['KINEMA_ADMIN_PASSWORD'] ?? 'kinema-dev-admin',
      },
      stop: async () => undefined,
    };
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-web-'));
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: '', S3_ENDPOINT: '' };
  delete env['DATABASE_URL'];
  const system = await startSystem({
    dataDir,
    env,
    ephemeralPorts: true,
    demoTitles,
    logLevel: 'warn',
    sink: () => undefined,
  });
  await seedDemoVideos(system.gatewayUrl, system.plan.admin);
  await seedDemoArtwork(system.gatewayUrl, system.plan.admin);
  return {
    url: system.gatewayUrl,
    admin: system.plan.admin,
    stop: async () => {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers a new viewer through the page and opens the home page as their first profile. */
export async function signInNewViewer(page: Page): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Email').fill(`bench-${Date.now().toString(36)}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.profile-button').first().click();
  await page.locator('main section.row a').first().waitFor();
}

/** Counts the API requests a page makes (artwork images aside) from now on. */
export function countApiRequests(page: Page): { count: () => number; reset: () => void } {
  let count = 0;
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/') && !path.startsWith('/api/v1/artwork/')) count += 1;
  });
  return { count: () => count, reset: () => (count = 0) };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
