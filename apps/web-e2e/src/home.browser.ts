import type { Page, WebSocket } from '@playwright/test';
import {
  adminApi,
  allTitles,
  apiRequests,
  chooseFirstProfile,
  createAccountHere,
  expect,
  expectAccessible,
  expectHome,
  found,
  onPlainHttpHost,
  register,
  test,
  type ApiTitle,
} from './support/fixtures';

/**
 * What a page's sockets to /ws hear: the ids of the titles notifications name, and whether the
 * socket has signed in as a profile. Listens from before the page opens its socket.
 */
function listen(page: Page): { titles: Set<string>; signedIn: () => boolean } {
  const titles = new Set<string>();
  let signedIn = false;
  page.on('websocket', (socket: WebSocket) =>
    socket.on('framereceived', ({ payload }) => {
      const message = JSON.parse(String(payload)) as {
        type: string;
        signedIn?: boolean;
        title?: { id: string };
      };
      if (message.type === 'welcome') signedIn = message.signedIn === true;
      if (message.type.startsWith('title.') && message.title) titles.add(message.title.id);
    }),
  );
  return { titles, signedIn: () => signedIn };
}

async function rename(
  admin: Awaited<ReturnType<typeof adminApi>>,
  title: ApiTitle,
  name: string,
): Promise<ApiTitle> {
  const current = (await (await admin.call('GET', `/titles/${title.id}`)).json()) as ApiTitle;
  const answer = await admin.call(
    'PATCH',
    `/titles/${title.id}`,
    { name },
    {
      'if-match': `"${current.version}"`,
    },
  );
  expect(answer.status).toBe(200);
  return (await answer.json()) as ApiTitle;
}

test('a visitor browses the home page and is asked to sign in to play; once registered, the featured title plays, its keys listed only where there is a keyboard to press them @phone', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await expectHome(page);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'home (visitor)');
  const hero = page.getByRole('region', { name: 'Featured' });
  const play = hero.getByRole('link', { name: 'Play', exact: true });
  const watchPath = await play.getAttribute('href');
  expect(watchPath).toMatch(/^\/watch\//);
  await play.click();
  await expect(page.getByRole('heading', { name: 'Sign in to Kinema' })).toBeVisible();
  expect(decodeURIComponent(page.url())).toContain(`next=${watchPath}`);

  // New here: the account is created from the sign-in page, and the player opens once a profile
  // is chosen, without looking for the title again.
  await page.getByRole('link', { name: 'Create an account' }).click();
  await createAccountHere(page);
  await page.locator('.profile-button').first().click();
  await expect(page).toHaveURL((url) => url.pathname === watchPath);
  const video = page.locator('video');
  await expect
    .poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime))
    .toBeGreaterThan(0);
  // The keys are listed beside the player on a desktop; a phone's touch screen has none to press.
  const keys = page.getByText(/^Keys: space plays or pauses/);
  if (testInfo.project.use.hasTouch) await expect(keys).toBeHidden();
  else await expect(keys).toBeVisible();
  // The keyboard works the player: space pauses it.
  await page.keyboard.press('Space');
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.paused)).toBe(true);
});

test('over plain HTTP from an address other than localhost, as minikube serves it, the web app and the API docs load and a session outlives a reload', async ({
  baseURL,
}) => {
  await onPlainHttpHost(baseURL, async (context) => {
    const page = await context.newPage();
    const complaints: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        complaints.push(message.text());
    });
    await page.goto('/docs');
    await expect(page.locator('.swagger-ui .info .title')).toContainText('Kinema');
    await register(page);
    await page.locator('.profile-button').first().click();
    await expectHome(page);
    await page.reload();
    await expectHome(page);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    // Nothing in the browser's console: no header it ignores at such an address, no failure.
    expect(complaints).toEqual([]);
  });
});

test('the header holds still: signing in keeps its height, and the section shown, in bold, moves none of the links beside it @phone', async ({
  page,
}) => {
  const nav = page.getByRole('navigation', { name: 'Main' });
  /** The header's height and each section link's place and width, on `path` showing `section`. */
  const header = async (path: string, section: string, signedIn: boolean) => {
    await page.goto(path);
    await expect(nav.locator('[aria-current="page"]')).toHaveText(section);
    if (signedIn) await expect(page.getByRole('link', { name: /^Profile / })).toBeVisible();
    else await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
    const links = await nav.getByRole('link').evaluateAll((elements) =>
      elements.map((link) => {
        const box = link.getBoundingClientRect();
        return `${link.textContent} at ${box.x.toFixed(1)}, ${box.y.toFixed(1)}, ${box.width.toFixed(1)} wide`;
      }),
    );
    return { height: (await page.getByRole('banner').boundingBox())?.height, links };
  };
  const visitor = await header('/', 'Home', false);
  expect(await header('/search', 'Search', false)).toEqual(visitor);

  await register(page);
  await chooseFirstProfile(page);
  const member = await header('/', 'Home', true);
  expect(member.height).toBe(visitor.height);
  expect(await header('/search', 'Search', true)).toEqual(member);
  expect(await header('/account', 'Account', true)).toEqual(member);
});

test('an address with no page, or a title’s with a mangled id, says so under the app’s header, signed in or not; a screen whose code cannot load offers a reload that works', async ({
  page,
}) => {
  const complaints: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') complaints.push(message.text());
  });
  const main = page.getByRole('navigation', { name: 'Main' });
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('/no/such/page');
  await expect(page).toHaveTitle('Page not found · Kinema');
  await expect(main).toBeVisible();
  await expectAccessible(page, 'page not found');
  // A title's address whose id is no title's shape (a mangled link) has no page either.
  await page.goto('/title/not-a-title');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  expect(complaints).toEqual([]);
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expectHome(page);

  await register(page);
  const profile = await chooseFirstProfile(page);
  await page.goto('/title');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: new RegExp(`^Profile ${profile}`) })).toBeVisible();
  expect(complaints).toEqual([]);

  // The player's code is fetched when first needed; a site updated since the tab opened no
  // longer has it under the name the tab knows.
  await page.route('**/assets/player-page-*.js', (route) => route.abort());
  await main.getByRole('link', { name: 'Home', exact: true }).click();
  const play = page.getByRole('region', { name: 'Featured' }).getByRole('link', { name: /Play$/ });
  const watchPath = await play.getAttribute('href');
  await play.click();
  await expect(page.getByRole('heading', { name: 'This page could not load' })).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === watchPath);
  await expect(main).toBeVisible();
  await page.unroute('**/assets/player-page-*.js');
  await page.getByRole('button', { name: 'Reload' }).click();
  const video = page.locator('video');
  await expect
    .poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime))
    .toBeGreaterThan(0);

  // A title's address with no such title says so, and prepares no video.
  await page.goto('/watch/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('alert')).toHaveText('No such title.');
  await expect(page.getByRole('status', { name: 'Preparing the video' })).toHaveCount(0);
});

test('an admin edit refetches only what shows the edited title, once, and nothing for a title not shown @edits', async ({
  page,
}) => {
  await register(page);
  await chooseFirstProfile(page);
  const shown = await page
    .locator('main a[href^="/title/"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href')?.split('/')[2] ?? ''));
  const titles = await allTitles();
  const onHome = found(
    titles.find((title) => title.id === shown[0]),
    'title on the home page',
  );
  const offHome = found(
    titles.find((title) => !shown.includes(title.id) && !title.playable),
    'title not on the home page',
  );
  const heard = listen(page).titles;
  await page.reload();
  await expectHome(page);
  const requests = apiRequests(page);
  const admin = await adminApi();

  await rename(admin, offHome, `${offHome.name} (restored)`);
  const renamed = `${onHome.name} Redux`;
  await rename(admin, onHome, renamed);
  await expect.poll(() => heard.has(offHome.id) && heard.has(onHome.id)).toBe(true);
  await expect(
    page.getByRole('link', { name: new RegExp(`^${renamed} \\(`) }).first(),
  ).toBeVisible();
  // A change after both: once it shows, every batch before it has been applied.
  await rename(admin, onHome, onHome.name);
  await expect(
    page.getByRole('link', { name: new RegExp(`^${onHome.name} \\(`) }).first(),
  ).toBeVisible();
  expect(requests).toEqual(['GET /api/v1/browse?rowLimit=20', 'GET /api/v1/browse?rowLimit=20']);
  await rename(admin, offHome, offHome.name);
});

test('a kids profile’s socket hears nothing of a title above its ceiling @edits', async ({
  browser,
  baseURL,
}) => {
  const titles = await allTitles();
  const adult = found(
    titles.find((title) => title.maturityRating === '18+'),
    'title rated 18+',
  );
  const forKids = found(
    titles.find((title) => title.maturityRating === 'all'),
    'title rated all',
  );
  const kidsPage = await (await browser.newContext({ baseURL })).newPage();
  const kids = listen(kidsPage);
  await register(kidsPage);
  await kidsPage.getByLabel('Name').fill('Little one');
  await kidsPage.getByLabel('Kids profile').check();
  await kidsPage.getByLabel('Highest maturity rating').selectOption('7+');
  await kidsPage.getByRole('button', { name: 'Add profile' }).click();
  await kidsPage.getByRole('button', { name: /^Little one/ }).click();
  await expectHome(kidsPage);
  const grownUp = await (await browser.newContext({ baseURL })).newPage();
  const grown = listen(grownUp);
  await register(grownUp);
  await chooseFirstProfile(grownUp);
  // Both sockets have signed in as their profiles before anything changes.
  await expect.poll(() => kids.signedIn() && grown.signedIn()).toBe(true);

  const admin = await adminApi();
  await rename(admin, adult, `${adult.name} Uncut`);
  await expect.poll(() => grown.titles.has(adult.id)).toBe(true);
  // Sent after the adult title's notice went out to every socket allowed it: were the kids'
  // socket among them, that notice would have reached it first.
  await rename(admin, forKids, `${forKids.name} Again`);
  await expect.poll(() => kids.titles.has(forKids.id)).toBe(true);
  expect(kids.titles.has(adult.id)).toBe(false);
  await rename(admin, adult, adult.name);
  await rename(admin, forKids, forKids.name);
  await kidsPage.context().close();
  await grownUp.context().close();
});
