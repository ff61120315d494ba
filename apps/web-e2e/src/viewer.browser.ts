import {
  allTitles,
  chooseFirstProfile,
  chooseProfile,
  expect,
  expectAccessible,
  found,
  register,
  screenshots,
  test,
} from './support/fixtures';

/** `text` matched literally inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ABOVE_SEVEN = new Set(['13+', '16+', '18+']);

test('a kids profile sees nothing above its ceiling on the home page or in search', async ({
  page,
}) => {
  const titles = await allTitles();
  const hidden = titles.filter((title) => ABOVE_SEVEN.has(title.maturityRating));
  expect(hidden.length).toBeGreaterThan(0);

  await register(page);
  await expectAccessible(page, 'profiles');
  await page.getByLabel('Name').fill('Little one');
  await page.getByLabel('Kids profile').check();
  await page.getByLabel('Highest maturity rating').selectOption('7+');
  await page.getByRole('button', { name: 'Add profile' }).click();
  await expect(page.getByRole('button', { name: /^Little one/ })).toContainText('Kids · 7+');
  await chooseProfile(page, 'Little one');

  await expect(
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin', exact: true }),
  ).toHaveCount(0);
  await expect(page.locator('main a[href^="/title/"]').first()).toBeVisible();
  const hiddenPaths = new Set(hidden.map((title) => `/title/${title.id}`));
  const shownPaths = () =>
    page
      .locator('main a[href^="/title/"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  expect((await shownPaths()).filter((path) => hiddenPaths.has(path))).toEqual([]);

  const target = found(hidden[0], 'title above 7+');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Search', exact: true })
    .click();
  await page.getByLabel('Titles, people, genres').fill(target.name);
  await expect(page).toHaveURL(/[?&]q=/);
  await expect(
    page.getByRole('status').filter({ hasText: /titles shown|No titles match/ }),
  ).toBeVisible();
  expect((await shownPaths()).filter((path) => hiddenPaths.has(path))).toEqual([]);
  expect(await shownPaths()).not.toContain(`/title/${target.id}`);
});

test('search, play, leave, and resume from Continue watching after a reload', async ({ page }) => {
  const titles = await allTitles();
  const movie = found(
    titles.find((title) => title.type === 'movie' && title.playable && /^\w{4,}/.test(title.name)),
    'playable movie',
  );
  const prefix = movie.name.slice(0, 4);

  await register(page);
  await chooseFirstProfile(page);
  await expectAccessible(page, 'home');
  await screenshots(page, 'home');

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Search', exact: true })
    .click();
  await page.getByLabel('Titles, people, genres').fill(prefix);
  await expect(page).toHaveURL(/[?&]q=/);
  await expectAccessible(page, 'search');
  await page.getByRole('link', { name: movie.name, exact: false }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: movie.name })).toBeVisible();
  await expectAccessible(page, 'title');
  await screenshots(page, 'title');

  await page.getByRole('link', { name: 'Play', exact: true }).click();
  const video = page.locator('video');
  await expect
    .poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime))
    .toBeGreaterThan(0);
  await expectAccessible(page, 'player');
  await screenshots(page, 'player');

  // Seek to the middle and pause there: the position a person would come back to.
  const saved = await video.evaluate(async (element: HTMLVideoElement) => {
    element.pause();
    const target = element.duration / 2;
    await new Promise((resolve) => {
      element.addEventListener('seeked', resolve, { once: true });
      element.currentTime = target;
    });
    return Math.floor(element.currentTime);
  });
  await page.getByRole('link', { name: `Back to ${movie.name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: movie.name })).toBeVisible();

  await page.goto('/');
  const row = page.getByRole('region', { name: 'Continue watching' });
  await expect(row.getByRole('link', { name: movie.name })).toBeVisible();
  await row.getByRole('link', { name: movie.name }).click();
  await page.getByRole('link', { name: /^Resume from/ }).click();
  await expect
    .poll(() => page.locator('video').evaluate((element: HTMLVideoElement) => element.currentTime))
    .toBeGreaterThanOrEqual(Math.max(0, saved - 1));
});

test('My List add and remove show on the home page', async ({ page }) => {
  const title = found(
    (await allTitles()).find((entry) => entry.maturityRating === 'all'),
    'title rated all',
  );
  await register(page);
  await chooseFirstProfile(page);
  await page.goto(`/title/${title.id}`);
  await page.getByRole('button', { name: 'Add to My List' }).click();
  await expect(page.getByRole('button', { name: 'Remove from My List' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Home', exact: true })
    .click();
  const myList = page.getByRole('region', { name: 'My List' });
  await expect(myList.getByRole('link', { name: title.name })).toBeVisible();

  await myList.getByRole('link', { name: title.name }).click();
  await page.getByRole('button', { name: 'Remove from My List' }).click();
  await expect(page.getByRole('button', { name: 'Add to My List' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Home', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Trending now' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'My List' })).toHaveCount(0);
});

test('bad input shows the API field errors next to the fields', async ({ page }) => {
  await page.goto('/register');
  await expectAccessible(page, 'register');
  await page.getByLabel('Email').fill('someone@example.com');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#password-error')).toContainText(/8/);
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'register with errors');
});

test('an ended session returns to sign-in, then back to the same page', async ({ page }) => {
  const title = found(
    (await allTitles()).find((entry) => entry.maturityRating === 'all'),
    'title rated all',
  );
  const person = await register(page);
  const profile = await chooseFirstProfile(page);
  await page.goto(`/title/${title.id}`);
  await expect(page.getByRole('heading', { level: 1, name: title.name })).toBeVisible();

  // The session ends elsewhere (signed out on another device): both tokens stop working.
  const refreshToken = await page.evaluate(() => sessionStorage.getItem('kinema.refresh'));
  const logout = await page.request.post('/api/v1/auth/logout', {
    data: { refreshToken },
  });
  expect(logout.ok()).toBe(true);

  await page.getByRole('button', { name: 'Add to My List' }).click();
  await expect(page.getByText('Your session ended.')).toBeVisible();
  await expectAccessible(page, 'sign-in');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: profile }).click();
  await expect(page.getByRole('heading', { level: 1, name: title.name })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(`/title/${title.id}`);
});

test('the home page shows the stored poster and backdrop images, with alt text', async ({
  page,
}) => {
  await register(page);
  await chooseFirstProfile(page);
  const hero = page.getByRole('region', { name: 'Featured' }).locator('img');
  const trending = page.getByRole('region', { name: 'Trending now' }).locator('img').first();
  for (const image of [hero, trending]) {
    await expect(image).toHaveAttribute(
      'src',
      /^\/api\/v1\/artwork\/(poster|backdrop)\/[0-9a-f]{64}\//,
    );
    await expect(image).toHaveAttribute('alt', /\S/);
    await expect
      .poll(() =>
        image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth),
      )
      .toBeGreaterThan(0);
  }
});

test('arrow keys move through a row, and reaching its end loads the next page', async ({
  page,
}) => {
  await register(page);
  await chooseFirstProfile(page);
  const row = page.getByRole('region', { name: 'Most popular' });
  const links = row.getByRole('link');
  await expect(links.first()).toBeVisible();
  const firstPage = await links.count();
  const pages: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/v1/titles' && url.searchParams.get('sort') === 'popular')
      pages.push(url.searchParams.get('cursor') ?? '');
  });
  await links.first().focus();
  for (let step = 1; step < firstPage; step += 1) {
    await page.keyboard.press('ArrowRight');
    await expect(links.nth(step)).toBeFocused();
  }
  // The last poster of the first page is in view, and so is the end of the row: more arrive.
  await expect.poll(() => links.count()).toBeGreaterThan(firstPage);
  expect(pages.some((cursor) => cursor !== '')).toBe(true);
  await page.keyboard.press('ArrowRight');
  await expect(links.nth(firstPage)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(links.nth(firstPage - 1)).toBeFocused();
});

test('search as you type drops the stale request and shows the last query’s results', async ({
  page,
}) => {
  const titles = await allTitles();
  const words = (name: string) => new Set(name.toLowerCase().split(/\W+/).filter(Boolean));
  const first = found(titles[0], 'a title');
  const second = found(
    titles.find((title) => [...words(title.name)].every((word) => !words(first.name).has(word))),
    'a title sharing no word with the first',
  );
  await register(page);
  await chooseFirstProfile(page);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Search', exact: true })
    .click();

  // The first query's answer is held back until the person has typed the second.
  let releaseFirst: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (releaseFirst = resolve));
  const firstSeen = new Promise<void>((seen) => {
    void page.route(
      (url) => url.pathname === '/api/v1/titles' && url.searchParams.get('q') === first.name,
      async (route) => {
        seen();
        await held;
        await route.continue().catch(() => undefined);
      },
    );
  });
  const aborted = page.waitForEvent(
    'requestfailed',
    (request) => new URL(request.url()).searchParams.get('q') === first.name,
  );
  const box = page.getByLabel('Titles, people, genres');
  await box.fill(first.name);
  await firstSeen;
  await box.fill(second.name);
  expect((await aborted).failure()?.errorText).toMatch(/ABORTED/);
  releaseFirst();

  const results = page.locator('main ul.grid');
  await expect(
    results.getByRole('link', { name: new RegExp(escapeRegExp(second.name)) }).first(),
  ).toBeVisible();
  await expect(
    results.getByRole('link', { name: new RegExp(`^${escapeRegExp(first.name)}`) }),
  ).toHaveCount(0);
});
