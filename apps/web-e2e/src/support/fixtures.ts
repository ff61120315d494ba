import type { TitleTypeName } from '@kinema/contracts';
import AxeBuilder from '@axe-core/playwright';
import { chromium, test as base, expect, type BrowserContext, type Page } from '@playwright/test';
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

/**
 * Runs `use` in a browser that reaches the gateway under a name other than localhost, over plain
 * HTTP, as it reaches `$(minikube ip)`, a LAN address or an Ingress without TLS. Chromium trusts a
 * loopback name as it trusts HTTPS (Secure cookies, Web Locks, no upgrade of the page's requests);
 * another name for the same address it does not. The context's base URL is that origin.
 */
export async function onPlainHttpHost(
  baseURL: string | undefined,
  use: (context: BrowserContext) => Promise<void>,
): Promise<void> {
  const served = new URL(baseURL ?? webUrl());
  const address = served.hostname === 'localhost' ? '127.0.0.1' : served.hostname;
  const { launchOptions } = test.info().project.use;
  const browser = await chromium.launch({
    ...launchOptions,
    args: [...(launchOptions?.args ?? []), `--host-resolver-rules=MAP kinema.test ${address}`],
  });
  try {
    await use(await browser.newContext({ baseURL: `http://kinema.test:${served.port}` }));
  } finally {
    await browser.close();
  }
}

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
  await page.goto('/register');
  return createAccountHere(page);
}

/** Fills in the register form the page shows and lands on the profile picker. */
export async function createAccountHere(page: Page): Promise<{ email: string; password: string }> {
  accounts += 1;
  const email = `viewer-${Date.now().toString(36)}-${accounts}@example.com`;
  const password = 'correct horse battery staple';
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Who is watching?' })).toBeVisible();
  return { email, password };
}

/** The home page has shown its rows (the featured title first). */
export async function expectHome(page: Page): Promise<void> {
  await expect(page.getByRole('region', { name: 'Featured' })).toBeVisible();
}

export async function chooseProfile(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expectHome(page);
}

/** Picks the first profile (the one every new account starts with); returns its name. */
export async function chooseFirstProfile(page: Page): Promise<string> {
  const button = page.locator('.profile-button').first();
  const name = (await button.locator('.profile-name').innerText()).trim();
  await button.click();
  await expectHome(page);
  return name;
}

export interface ApiTitle {
  id: string;
  name: string;
  version: number;
  type: TitleTypeName;
  maturityRating: string;
  playable: boolean;
  releaseYear: number;
  genres: Array<{ slug: string; name: string }>;
  credits: Array<{ name: string; role: string }>;
  artwork: { posterKey?: string; backdropKey?: string };
}

/** The admin's API, as a script would call it: for setting the scene of a browser flow. */
export async function adminApi(): Promise<{
  call: (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<Response>;
}> {
  const login = await fetch(new URL('/api/v1/auth/login', webUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: process.env['KINEMA_ADMIN_EMAIL'],
      password: process.env['KINEMA_ADMIN_PASSWORD'],
    }),
  });
  const { tokens } = (await login.json()) as { tokens: { accessToken: string } };
  return {
    call: (method, path, body, headers = {}) =>
      fetch(new URL(`/api/v1${path}`, webUrl()), {
        method,
        headers: {
          authorization: `Bearer ${tokens.accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

/** The API requests a page makes (artwork images aside), as `METHOD /path?query`. */
export function apiRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/') && !url.pathname.startsWith('/api/v1/artwork/'))
      seen.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  return seen;
}

/** The answers a page is refused from now on (status 400 or more), as `STATUS url`. */
export function refusedResponses(page: Page): string[] {
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
  });
  return refused;
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
  await expect(page.getByRole('heading', { name: 'Titles', exact: true })).toBeVisible();
}

/** From the admin's list of titles to an empty title form. */
export async function openNewTitleForm(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'New title' }).click();
  await expect(page.getByRole('heading', { name: 'Create a title' })).toBeVisible();
}
