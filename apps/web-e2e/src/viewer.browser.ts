import {
  allTitles,
  type ApiTitle,
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
  await expect(page.getByLabel('Highest maturity rating').getByRole('option')).toHaveText([
    'All ages',
    '7+',
    '13+',
  ]);
  await page.getByLabel('Highest maturity rating').selectOption('7+');
  await page.getByRole('button', { name: 'Add profile' }).click();
  await expect(page.getByRole('button', { name: /^Little one/ })).toContainText('Kids · 7+');
  // The form starts again from a grown-up's profile: the next one added is not a kids profile too.
  await expect(page.getByLabel('Name')).toHaveValue('');
  await expect(page.getByLabel('Kids profile')).not.toBeChecked();
  await page.getByLabel('Name').fill('Grown-up');
  await page.getByRole('button', { name: 'Add profile' }).click();
  await expect(page.getByRole('button', { name: /^Grown-up/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Grown-up/ })).not.toContainText('Kids');
  // Side by side, the two tiles are one height, the kids badge or not.
  const heights = await page
    .locator('.profile-button')
    .evaluateAll((tiles) => tiles.map((tile) => tile.getBoundingClientRect().height));
  expect(new Set(heights).size).toBe(1);
  // Managing profiles still says which one is the kids profile; a card as tall as the kids one
  // beside it keeps its buttons their own height.
  await page.getByRole('button', { name: 'Manage profiles' }).click();
  const saveHeights = await page
    .getByRole('button', { name: /^Save/ })
    .evaluateAll((buttons) => buttons.map((button) => button.getBoundingClientRect().height));
  expect(saveHeights).toHaveLength(3);
  expect(new Set(saveHeights).size).toBe(1);
  await expect(
    page.locator('.profile-editor').filter({ has: page.getByLabel('Name of Little one') }),
  ).toContainText('Kids · 7+');
  await page.getByRole('button', { name: 'Done' }).click();
  await chooseProfile(page, 'Little one');

  for (const grownUps of ['Admin', 'Account'])
    await expect(
      page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: grownUps, exact: true }),
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
  // The longest flow: four accessibility scans, three pairs of screenshots and a playback. Alone
  // it takes about 22 s; beside another flow on a slow two-core machine it took 50 s of the
  // default 60 (CI, 2026-11-29), and 60 with two others.
  test.slow();
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

  // Play looks as it does on the home page, the play sign before it (not part of its name).
  const play = page.getByRole('link', { name: 'Play', exact: true });
  expect(await play.evaluate((link) => getComputedStyle(link, '::before').content)).toContain('▶');
  await play.click();
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

test('a title for every age says "All ages" where its rating shows, not the API\'s "all"', async ({
  page,
}) => {
  const title = found(
    (await allTitles()).find((entry) => entry.maturityRating === 'all'),
    'title rated all',
  );
  await page.goto(`/title/${title.id}`);
  await expect(page.getByRole('heading', { level: 1, name: title.name })).toBeVisible();
  await expect(page.getByTitle('Maturity rating')).toHaveText('All ages');
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
  await expect(page.getByRole('region', { name: 'Featured' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'My List' })).toHaveCount(0);
});

test('profiles are renamed and deleted from Manage profiles; the profile watched, in every tab, follows its new name, and the last one stays', async ({
  page,
  context,
}) => {
  await register(page);
  await page.getByLabel('Name').fill('Guest');
  await page.getByRole('button', { name: 'Add profile' }).click();
  await chooseProfile(page, 'Guest');
  const header = page.getByRole('banner');
  // Another tab of the browser, opened as the profile last chosen.
  const other = await context.newPage();
  await other.goto('/search');
  const otherHeader = other.getByRole('banner');
  await expect(otherHeader.getByRole('link', { name: /^Profile Guest/ })).toBeVisible();
  await header.getByRole('link', { name: /^Profile Guest/ }).click();

  await page.getByRole('button', { name: 'Manage profiles' }).click();
  await expect(page.getByRole('heading', { name: 'Manage profiles' })).toBeVisible();
  await expectAccessible(page, 'manage profiles');
  const guestName = page.getByLabel('Name of Guest');
  await guestName.fill('');
  await page.getByRole('button', { name: 'Save Guest' }).click();
  await expect(guestName).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toHaveCount(1);
  await guestName.fill('Sofa');
  await page.getByRole('button', { name: 'Save Guest' }).click();
  await expect(header.getByRole('link', { name: /^Profile Sofa/ })).toBeVisible();
  await expect(otherHeader.getByRole('link', { name: /^Profile Sofa/ })).toBeVisible();
  await page.reload();
  await expect(header.getByRole('link', { name: /^Profile Sofa/ })).toBeVisible();

  // Deleting the profile this tab watches lets it go; the last profile offers no Delete.
  await page.getByRole('button', { name: 'Manage profiles' }).click();
  await page.getByRole('button', { name: 'Delete Sofa' }).click();
  await page
    .getByRole('group', { name: 'Delete Sofa?' })
    .getByRole('button', { name: 'Yes, delete' })
    .click();
  await expect(page.getByLabel('Name of Sofa')).toHaveCount(0);
  await expect(header.getByRole('link', { name: /^Profile / })).toHaveCount(0);
  await expect(other.getByRole('heading', { name: 'Who is watching?' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator('.profile-button')).toHaveCount(1);
  await chooseFirstProfile(page);
});

test('a title page lists its cast and crew a credit to a line, each bullet clear of the column beside it, on a phone too @phone', async ({
  page,
}) => {
  // The title with the longest credit: the likeliest to wrap, or to reach the column beside it.
  const longest = (title: ApiTitle) =>
    Math.max(0, ...title.credits.map((credit) => `${credit.name} (${credit.role})`.length));
  const title = found(
    (await allTitles()).sort((a, b) => longest(b) - longest(a))[0],
    'title with cast and crew',
  );

  await page.goto(`/title/${title.id}`);
  await expect(page.locator('ul.credits li')).toHaveCount(title.credits.length);
  const crowded = await page.locator('ul.credits').evaluate((list) => {
    const items = Array.from(list.querySelectorAll('li'));
    const style = getComputedStyle(list);
    const em = parseFloat(style.fontSize);
    const lineHeight = parseFloat(style.lineHeight) || 1.2 * em;
    const textRight = (item: Element) => {
      const range = document.createRange();
      range.selectNodeContents(item);
      return Math.max(...Array.from(range.getClientRects(), (rect) => rect.right));
    };
    const complaints: string[] = [];
    for (const item of items) {
      const box = item.getBoundingClientRect();
      if (box.height > 1.5 * lineHeight) complaints.push(`${item.textContent} wraps`);
      // Its bullet, an em wide, stands left of its box; the text of the column before ends half
      // an em short of it at least.
      for (const other of items) {
        const beside = other.getBoundingClientRect();
        if (beside.left < box.left && beside.bottom > box.top && beside.top < box.bottom)
          if (textRight(other) > box.left - 1.5 * em)
            complaints.push(`${other.textContent} runs up to the bullet of ${item.textContent}`);
      }
    }
    return complaints;
  });
  expect(crowded).toEqual([]);
});

test('bad input shows the API field errors next to the fields', async ({ page }) => {
  await page.goto('/register');
  await expectAccessible(page, 'register');
  // What a password needs is said before one is chosen, as on the Account page.
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription('At least 8 characters.');
  await page.getByLabel('Email').fill('someone-at-example');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Every bad field at once, each next to its field, in words.
  await expect(page.locator('#password-error')).toHaveText(
    'Password must have at least 8 characters',
  );
  await expect(page.locator('#email-error')).toContainText('Email must be an email address');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'register with errors');

  // A profile's name: what is wrong, said once, next to the field.
  await register(page);
  await page.getByLabel('Name').fill('x'.repeat(51));
  await page.getByRole('button', { name: 'Add profile' }).click();
  await expect(page.locator('#profile-name-error')).toContainText('50 characters');
  await expect(page.getByRole('alert')).toHaveCount(1);
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

  // The session ends behind the page's back (as a sign-out on another device ends it): the
  // API announces it on the page's socket, and the page takes the person to sign-in.
  const logout = await page.request.post('/api/v1/auth/logout', {
    headers: { 'x-session-mode': 'cookie' },
    data: {},
  });
  expect(logout.status()).toBe(204);
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
  const firstRow = page.locator('main section.row').first().locator('img').first();
  for (const image of [hero, firstRow]) {
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

test('a row is one tab stop: Tab goes to the next row, the arrow keys move within it', async ({
  page,
}) => {
  await register(page);
  await chooseFirstProfile(page);
  const rows = page.locator('main section.row');
  await expect(rows.nth(1)).toBeVisible();
  const posters = (row: number) => rows.nth(row).getByRole('link', { name: /\(\d{4}\)$/ });
  // A row with three posters at least, and the row after it.
  const counts = await rows.evaluateAll((all) =>
    all.map((row) => row.querySelectorAll('li a').length),
  );
  const at = counts.findIndex((count, index) => count >= 3 && index + 1 < counts.length);
  expect(at).toBeGreaterThanOrEqual(0);
  const first = posters(at);
  const second = posters(at + 1);
  await first.nth(0).focus();
  await page.keyboard.press('ArrowRight');
  await expect(first.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(first.nth(2)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(first.nth(1)).toBeFocused();
  // Tab leaves the row for the next row's poster (past that row's See all link, if any).
  const tab = async (key: 'Tab' | 'Shift+Tab') => {
    await page.keyboard.press(key);
    const onSeeAll = await page.evaluate(
      () => document.activeElement?.classList.contains('see-all') ?? false,
    );
    if (onSeeAll) await page.keyboard.press(key);
  };
  await tab('Tab');
  await expect(second.nth(0)).toBeFocused();
  // Back in the first row, focus returns to the poster last chosen there.
  await tab('Shift+Tab');
  await expect(first.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(first.last()).toBeFocused();
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
