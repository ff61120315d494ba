import type { BrowserContext, Page } from '@playwright/test';
import {
  apiRequests,
  chooseFirstProfile,
  chooseProfile,
  expect,
  expectAccessible,
  expectHome,
  onPlainHttpHost,
  register,
  test,
} from './support/fixtures';

/** The profile the header says the page is browsing as. */
const profileSwitch = (name: string) => ({ name: `Profile ${name}: switch profile` });

test('a new tab opens signed in as the profile last chosen, and loads the home page in 3 requests at most @phone', async ({
  page,
  context,
}) => {
  await register(page);
  await page.getByLabel('Name').fill('Second');
  await page.getByRole('button', { name: 'Add profile' }).click();
  await chooseProfile(page, 'Second');

  const tab = await context.newPage();
  const requests = apiRequests(tab);
  await tab.goto('/');
  await expectHome(tab);
  await expect(tab.getByRole('link', profileSwitch('Second'))).toBeVisible();
  await expect(tab.locator('main section.row').first()).toBeVisible();
  // The session, then every row of the page: nothing asked twice, nothing asked row by row.
  expect(requests.length).toBeLessThanOrEqual(3);
  expect(requests).toEqual(
    expect.arrayContaining(['POST /api/v1/auth/refresh', 'GET /api/v1/browse?rowLimit=20']),
  );
  // Switching profile is one click away.
  await tab.getByRole('link', profileSwitch('Second')).click();
  await expect(tab.getByRole('heading', { name: 'Who is watching?' })).toBeVisible();
});

/**
 * Two tabs of one session reload at once, three times, each needing a new access token from the
 * one shared cookie: had both presented it, the API would have ended the session as stolen.
 */
async function reloadTogether(page: Page, context: BrowserContext): Promise<void> {
  await register(page);
  await page.locator('.profile-button').first().click();
  await expectHome(page);
  const duplicate = await context.newPage();
  await duplicate.goto(page.url());
  await expectHome(duplicate);

  const refreshes: number[] = [];
  for (const tab of [page, duplicate])
    tab.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/v1/auth/refresh')
        refreshes.push(response.status());
    });
  for (let round = 0; round < 3; round += 1) {
    await Promise.all([page.reload(), duplicate.reload()]);
    await Promise.all([expectHome(page), expectHome(duplicate)]);
  }
  // One tab may find the other's new token already in hand and ask for none; none is refused.
  expect(refreshes.length).toBeGreaterThanOrEqual(3);
  expect(refreshes.filter((status) => status !== 200)).toEqual([]);
  for (const tab of [page, duplicate])
    await expect(tab.getByRole('button', { name: 'Sign out' })).toBeVisible();
  // And the session still works for what needs it.
  const titleLink = page.locator('main section.row a[href^="/title/"]').first();
  await titleLink.click();
  await page.getByRole('button', { name: 'Add to My List' }).click();
  await expect(page.getByRole('button', { name: 'Remove from My List' })).toBeVisible();
}

test('tabs that refresh the session at the same moment take turns: nobody is signed out', async ({
  page,
  context,
}) => {
  await reloadTogether(page, context);
});

test('tabs take turns over plain HTTP from an address other than localhost too, where browsers give no Web Locks', async ({
  baseURL,
}) => {
  await onPlainHttpHost(baseURL, async (context) => {
    await reloadTogether(await context.newPage(), context);
  });
});

test('a tab reloaded again before its refresh was answered stays signed in: the API rotated the cookie, and the next page is answered that refresh, new cookie and all', async ({
  page,
  context,
}) => {
  await register(page);
  await chooseFirstProfile(page);
  // The first reload's refresh reaches the API, which rotates the cookie's single-use token; its
  // answer (the new cookie) is held back, as over a slow network, until the tab has been reloaded
  // again and that page has asked for its own refresh with the cookie it still holds. Then it is
  // dropped: the browser never stores the cookie it brought.
  let answered: () => void = () => undefined;
  const rotated = new Promise<void>((resolve) => (answered = resolve));
  let asked: () => void = () => undefined;
  const nextPageAsked = new Promise<void>((resolve) => (asked = resolve));
  const statuses: number[] = [];
  let held = true;
  await page.route('**/api/v1/auth/refresh', async (route) => {
    if (!held) {
      asked();
      const response = await route.fetch();
      statuses.push(response.status());
      return route.fulfill({ response });
    }
    held = false;
    // Sent past the browser (route.fetch would store the new cookie in the browser at once).
    const request = route.request();
    await fetch(request.url(), {
      method: 'POST',
      headers: await request.allHeaders(),
      body: request.postData(),
    });
    answered();
    await nextPageAsked;
    await route.abort('connectionreset').catch(() => undefined);
  });
  void page.reload().catch(() => undefined);
  await rotated;
  await page.reload();
  await expectHome(page);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  expect(statuses).toEqual([200]);
  // The session goes on from the cookie the answer again set: a tab opened now is signed in too
  // (with the old cookie its refresh would be a stolen token's, and end the session).
  await page.unroute('**/api/v1/auth/refresh');
  const later = await context.newPage();
  await later.goto('/');
  await expectHome(later);
  await expect(later.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

test('a reload whose refresh a hung gateway never answers gives it up and is signed back in with the same key, not left loading', async ({
  page,
}) => {
  await register(page);
  await chooseFirstProfile(page);
  // The first refresh goes to a replica that holds its connection and answers nothing (`kinema
  // chaos hung-replica --service gateway`); the next one reaches a replica that answers.
  const keys: Array<string | undefined> = [];
  await page.route('**/api/v1/auth/refresh', async (route) => {
    keys.push((await route.request().headerValue('idempotency-key')) ?? undefined);
    if (keys.length > 1) await route.continue();
  });
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: 30_000 });
  await expectHome(page);
  // Given up after REQUEST_TIMEOUT_MS (15 s), and asked again once, with the same key.
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
});

test('a reload while the API cannot answer for the session keeps it: the tab browses as a visitor, says so, and is signed back in once the API answers', async ({
  page,
}) => {
  await register(page);
  await page.locator('.profile-button').first().click();
  await expectHome(page);
  const profile = (await page.locator('.profile-switch-name').innerText()).trim();
  // What the gateway answers a refresh while the users service is down (`kinema chaos
  // users-down`): 503 with Retry-After, the session untouched.
  let outage = true;
  await page.route('**/api/v1/auth/refresh', (route) =>
    outage
      ? route.fulfill({
          status: 503,
          headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
          body: JSON.stringify({
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            detail: 'The users service is unavailable; try again shortly.',
          }),
        })
      : route.continue(),
  );
  await page.reload();
  await expectHome(page);
  await expect(
    page.getByRole('status').filter({ hasText: 'cannot reach your account' }),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  // A page that needs the session waits for it, rather than asking to sign in again.
  await page.goto('/profiles');
  await expect(page.getByRole('heading', { name: 'Signing you back in' })).toBeVisible();
  await expect(page).toHaveURL(/\/profiles$/);

  outage = false;
  await expect(page.getByRole('heading', { name: 'Who is watching?' })).toBeVisible();
  await expect(page.getByRole('link', profileSwitch(profile))).toBeVisible();
  await expect(
    page.getByRole('status').filter({ hasText: 'cannot reach your account' }),
  ).toHaveCount(0);
});

test('signing out in one tab signs out every tab @phone', async ({ page, context }) => {
  await register(page);
  await page.locator('.profile-button').first().click();
  await expectHome(page);
  const other = await context.newPage();
  await other.goto('/search');
  await expect(other.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Kinema' })).toBeVisible();
  await expect(other.getByText('You signed out of Kinema in another tab.')).toBeVisible();
  // A tab opened now starts as a visitor: the cookie is gone.
  const fresh = await context.newPage();
  await fresh.goto('/');
  await expectHome(fresh);
  await expect(fresh.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('a new password keeps this browser signed in, in every tab, and is the one that signs in; a deleted account signs every tab out and signs in no more', async ({
  page,
  context,
}) => {
  const { email, password } = await register(page);
  await chooseFirstProfile(page);
  const other = await context.newPage();
  await other.goto('/search');
  await expect(other.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Account', exact: true })
    .click();
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expectAccessible(page, 'account');

  const changePassword = page.getByRole('region', { name: 'Change password' });
  const newPassword = 'a newer passphrase of mine';
  await changePassword.getByLabel('Current password').fill('not my password');
  await changePassword.getByLabel('New password').fill('short');
  await changePassword.getByRole('button', { name: 'Change password' }).click();
  await expect(
    changePassword.getByText('The new password must have at least 8 characters'),
  ).toBeVisible();
  await changePassword.getByLabel('New password').fill(newPassword);
  await changePassword.getByRole('button', { name: 'Change password' }).click();
  await expect(changePassword.getByText('The current password is wrong.')).toBeVisible();
  await expectAccessible(page, 'account with errors');
  await changePassword.getByLabel('Current password').fill(password);
  await changePassword.getByRole('button', { name: 'Change password' }).click();
  await expect(changePassword.getByRole('status')).toContainText('Password changed');

  // Every session of the account ended with the change; this browser's cookie is the new one's,
  // so both tabs are still signed in after a reload.
  for (const tab of [page, other]) {
    await tab.reload();
    await expect(tab.getByRole('button', { name: 'Sign out' })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back to the page the sign-out left, once a profile is chosen.
  await page.locator('.profile-button').first().click();
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await other.reload();
  await expect(other.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const deleteAccount = page.getByRole('region', { name: 'Delete account' });
  await deleteAccount.getByLabel('Password').fill(newPassword);
  await deleteAccount.getByRole('button', { name: 'Delete account' }).click();
  await deleteAccount.getByRole('button', { name: 'Keep it' }).click();
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await deleteAccount.getByRole('button', { name: 'Delete account' }).click();
  await deleteAccount.getByRole('button', { name: 'Yes, delete my account' }).click();
  await expect(page.getByText('Your account was deleted')).toBeVisible();
  await expect(other.getByRole('heading', { name: 'Sign in to Kinema' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to Kinema' })).toBeVisible();
});

test('a page of another site cannot use the session cookie (CSRF)', async ({
  page,
  context,
  baseURL,
}) => {
  await register(page);
  await page.locator('.profile-button').first().click();
  await expectHome(page);
  // The same gateway under another host name is another site to the browser.
  const app = new URL(baseURL ?? '');
  const elsewhere = new URL(app.href);
  elsewhere.hostname = app.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const attacker = await context.newPage();
  await attacker.goto(elsewhere.href);
  const outcomes = await attacker.evaluate(async (target) => {
    const refresh = `${target}api/v1/auth/refresh`;
    const attempt = async (init: RequestInit) => {
      try {
        const answer = await fetch(refresh, { method: 'POST', credentials: 'include', ...init });
        return `answered ${answer.status}`;
      } catch {
        return 'blocked';
      }
    };
    return {
      // Asking for cookie mode needs a preflight, which the gateway does not grant.
      withHeader: await attempt({
        headers: { 'content-type': 'application/json', 'x-session-mode': 'cookie' },
        body: '{}',
      }),
      // A request a form could send carries no mode header: the cookie is not used.
      formLike: await attempt({ headers: { 'content-type': 'text/plain' }, body: '{}' }),
    };
  }, app.href);
  expect(outcomes.withHeader).toBe('blocked');
  expect(outcomes.formLike).not.toBe('answered 200');
  // The person's session is untouched.
  await page.reload();
  await expectHome(page);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
