import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The gateway global setup started; it serves the web app at `/`. */
function webUrl(): string {
  const url = process.env['KINEMA_WEB_URL'];
  if (!url) throw new Error('KINEMA_WEB_URL is not set: the global setup did not start the system');
  return url;
}

export const test = base.extend({
  baseURL: async ({ baseURL: configured }, use) => use(configured ?? webUrl()),
});

/** The value, or a failure naming what the test needed and did not find. */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the demo catalog has no ${what}`);
  return value;
}

export { expect };

export const SCREENSHOTS_DIR = join(__dirname, '..', '..', 'artifacts', 'screenshots');

/** axe-core finds nothing serious or critical on the page as it stands. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${name}: ${violation.id} (${violation.impact}) ${violation.help}`);
  expect(serious).toEqual([]);
}

/** Screenshots of the page at a phone's width and a desktop's, kept as test artifacts. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const original = page.viewportSize();
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}-${width}.png`) });
  }
  if (original) await page.setViewportSize(original);
}

let accounts = 0;

/** Registers a new person through the page and lands on the profile picker. */
export async function register(page: Page): Promise<{ email: string; password: string }> {
  accounts += 1;
  const email = `viewer-${Date.now().toString(36)}-${accounts}@example.com`;
  const password = 'correct horse battery staple';
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Who is watching?' })).toBeVisible();
  return { email, password };
}

export async function chooseProfile(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expect(page.getByRole('heading', { name: 'Trending now' })).toBeVisible();
}

/** Picks the first profile (the one every new account starts with); returns its name. */
export async function chooseFirstProfile(page: Page): Promise<string> {
  const button = page.locator('.profile-button').first();
  const name = (await button.locator('.profile-name').innerText()).trim();
  await button.click();
  await expect(page.getByRole('heading', { name: 'Trending now' })).toBeVisible();
  return name;
}

interface ApiTitle {
  id: string;
  name: string;
  type: 'movie' | 'series';
  maturityRating: string;
  playable: boolean;
}

/** Every published title, read from the API as an anonymous client (no ceiling). */
export async function allTitles(): Promise<ApiTitle[]> {
  const titles: ApiTitle[] = [];
  let cursor = '';
  do {
    const url = new URL('/api/v1/titles', webUrl());
    url.searchParams.set('limit', '100');
    if (cursor) url.searchParams.set('cursor', cursor);
    const response = await fetch(url);
    const page = (await response.json()) as { items: ApiTitle[]; nextCursor: string | null };
    titles.push(...page.items);
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return titles;
}

/** Signs in as the system's admin and opens the admin screen. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(process.env['KINEMA_ADMIN_EMAIL'] ?? '');
  await page.getByLabel('Password').fill(process.env['KINEMA_ADMIN_PASSWORD'] ?? '');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await chooseFirstProfile(page);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Admin', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Create a title' })).toBeVisible();
}
