import type { Page } from '@playwright/test';
import { join } from 'node:path';
import {
  adminApi,
  chooseFirstProfile,
  expect,
  expectAccessible,
  openNewTitleForm,
  refusedResponses,
  register,
  screenshots,
  signInAsAdmin,
  test,
} from './support/fixtures';

const SAMPLE = join(__dirname, '..', '..', '..', 'tools', 'media', 'samples', 'bars-faststart.mp4');

test('the admin creates and publishes a title with a video; a viewer is told live @edits', async ({
  browser,
  baseURL,
}) => {
  const viewer = await (await browser.newContext({ baseURL })).newPage();
  await register(viewer);
  await chooseFirstProfile(viewer);

  const admin = await (await browser.newContext({ baseURL })).newPage();
  await signInAsAdmin(admin);
  await openNewTitleForm(admin);

  const name = `Lantern Fields ${Date.now().toString(36)}`;
  await admin.getByLabel('Name', { exact: true }).fill(name);
  await admin.getByLabel(/^Slug/).fill('Not A Slug!');
  await admin.getByRole('checkbox', { name: 'Drama' }).check();
  await admin.getByRole('button', { name: 'Create title' }).click();
  await expect(admin.locator('#title-slug-error')).not.toBeEmpty();
  await expect(admin.getByLabel(/^Slug/)).toHaveAttribute('aria-invalid', 'true');
  // Beside the button, where the admin is looking, what to do; the field is where they are taken.
  await expect(admin.getByText('Not saved: correct the fields marked above.')).toBeVisible();
  await expect(admin.getByLabel(/^Slug/)).toBeFocused();
  await expectAccessible(admin, 'admin with errors');

  // A slug the admin typed is theirs: changing the name leaves it.
  const slug = `fields-of-lanterns-${Date.now().toString(36)}`;
  await admin.getByLabel(/^Slug/).fill(slug);
  await admin.getByLabel('Name', { exact: true }).fill(`${name} Again`);
  await admin.getByLabel('Name', { exact: true }).fill(name);
  await expect(admin.getByLabel(/^Slug/)).toHaveValue(slug);
  // The latest year the API accepts: first in New releases (newest release year first).
  await admin.getByLabel('Release year').fill(String(new Date().getFullYear() + 5));
  await admin.getByRole('checkbox', { name: /^Published/ }).check();
  await admin.getByRole('button', { name: 'Create title' }).click();
  await expect(admin.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();

  await admin.getByLabel(/^Video file/).setInputFiles(SAMPLE);
  await expect(admin.getByRole('progressbar', { name: 'Upload progress' })).toBeVisible();
  await expect(admin.getByText(/Upload finished: the video is ready/)).toBeVisible();
  await expect(admin.getByText(/kB of \d+ kB sent/)).toBeVisible();
  await expectAccessible(admin, 'admin');
  await screenshots(admin, 'admin');

  // The viewer did nothing: the toast and the new row entry arrive over /ws.
  await expect(viewer.getByRole('link', { name: `New on Kinema: ${name}` })).toBeVisible();
  const newReleases = viewer.getByRole('region', { name: 'New releases' });
  await expect(newReleases.getByRole('link', { name })).toBeVisible();
  await viewer.context().close();
  await admin.context().close();
});

/** A PNG of the given size, drawn by the browser itself (no fixture file to keep). */
async function png(page: Page, width: number, height: number): Promise<Buffer> {
  const dataUrl = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const context = canvas.getContext('2d');
      if (context) {
        context.fillStyle = '#7a3b9c';
        context.fillRect(0, 0, w, h);
      }
      return canvas.toDataURL('image/png');
    },
    [width, height] as const,
  );
  return Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
}

test('the admin builds a series: seasons, episodes, artwork with a preview, an episode video @edits', async ({
  page,
}) => {
  await signInAsAdmin(page);
  await openNewTitleForm(page);
  const name = `Harbour Lights ${Date.now().toString(36)}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  // A new title's slug follows its name.
  await expect(page.getByLabel(/^Slug/)).toHaveValue(name.toLowerCase().replace(/\s+/g, '-'));
  await page.getByLabel('Type').selectOption('series');
  await page.getByRole('checkbox', { name: 'Drama' }).check();

  // An image that is too small for a poster: the API's reason shows beside the field.
  await page.getByLabel(/^Poster/).setInputFiles({
    name: 'small.png',
    mimeType: 'image/png',
    buffer: await png(page, 50, 75),
  });
  await expect(page.locator('#title-artwork-poster-error')).toContainText('50×75');
  await page.getByLabel(/^Poster/).setInputFiles({
    name: 'poster.png',
    mimeType: 'image/png',
    buffer: await png(page, 400, 600),
  });
  const preview = page.getByRole('img', { name: 'poster preview' });
  await expect
    .poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth))
    .toBe(200);

  await page.getByRole('button', { name: 'Add a season' }).click();
  await page.getByRole('button', { name: 'Add an episode to season 1' }).click();
  // One button of the form in the accent colour, the one that saves; moving, adding and
  // removing seasons and episodes are quieter, removing marked as such.
  const accent = await page
    .getByRole('button', { name: 'Create title' })
    .evaluate((button) => getComputedStyle(button).backgroundColor);
  const inAccent = await page
    .locator('form button')
    .evaluateAll(
      (buttons, colour) =>
        buttons
          .filter((button) => getComputedStyle(button).backgroundColor === colour)
          .map((button) => button.textContent),
      accent,
    );
  expect(inAccent).toEqual(['Create title']);
  await page.getByLabel('S1 E2 name').fill('The Second Tide');
  // Episode 1 has no name yet: the API says so next to it.
  await page.getByRole('button', { name: 'Create title' }).click();
  await expect(page.getByLabel('S1 E1 name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('[id="seasons[0].episodes[0]-name-error"]')).not.toBeEmpty();

  await page.getByRole('button', { name: 'Move S1 E2 up' }).click();
  await expect(page.getByLabel('S1 E1 name')).toHaveValue('The Second Tide');
  await page.getByLabel('S1 E2 name').fill('The First Light');
  await page.getByRole('button', { name: 'Create title' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await expect(page.getByLabel('S1 E2 name')).toHaveValue('The First Light');
  await expect(page.getByRole('img', { name: 'poster preview' })).toBeVisible();

  // The draft as a viewer would see it, open in another tab before its video arrives.
  const draft = await page.context().newPage();
  await draft.goto(new URL(page.url()).pathname.replace('/admin/titles/', '/title/'));
  await expect(draft.getByText('Coming soon: no video yet.')).toBeVisible();

  await page
    .getByLabel('Episode', { exact: true })
    .selectOption({ label: 'Season 1, episode 2: The First Light' });
  await page.getByLabel(/^Video file for season 1, episode 2/).setInputFiles(SAMPLE);
  await expect(page.getByText(/Upload finished: the video is ready/)).toBeVisible();
  await expectAccessible(page, 'admin series');

  // That tab follows without a reload (a draft's changes reach admins' sockets): the episode with
  // a video is the one Play means, and the player names it.
  await draft.getByRole('link', { name: 'Play S1 E2' }).click();
  await expect(draft.getByRole('heading', { level: 1 })).toHaveText(
    `${name}: S1 E2 The First Light`,
  );
  await expect(draft).toHaveTitle(`${name}: S1 E2 The First Light · Kinema`);
});

test('Cancel stops an upload, says so, and the server frees its slot @edits', async ({ page }) => {
  await signInAsAdmin(page);
  await openNewTitleForm(page);
  const name = `Quiet Reel ${Date.now().toString(36)}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('checkbox', { name: 'Drama' }).check();
  await page.getByRole('button', { name: 'Create title' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();

  // A slow link, so the upload is still going when Cancel is pressed: 4 MiB take 16 s at this
  // rate. No bigger: the file reaches the browser through the DevTools protocol, 16 MiB in 8 s.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 256 * 1024,
  });
  // Every slot an account has (VIDEO_UPLOADS_PER_ACCOUNT, 2 by default), cancelled in turn.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await page.getByLabel(/^Video file/).setInputFiles({
      name: 'big.mp4',
      mimeType: 'video/mp4',
      buffer: Buffer.alloc(4 * 1024 * 1024),
    });
    await expect(page.getByText(/kB of [\d.]+ MB sent|MB of [\d.]+ MB sent/)).toBeVisible();
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await expect(page.getByText('Upload cancelled: nothing was stored.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel upload' })).toHaveCount(0);
  }
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  // Had the server kept the cancelled uploads, this one would be refused (429, too many uploads).
  await page.getByLabel(/^Video file/).setInputFiles(SAMPLE);
  await expect(page.getByText(/Upload finished: the video is ready/)).toBeVisible();
});

test('the admin finds a draft in the list of titles, edits it from its page and deletes it @phone @edits', async ({
  page,
}) => {
  const admin = await adminApi();
  const name = `Tidewater Draft ${Date.now().toString(36)}`;
  const created = await admin.call('POST', '/titles', {
    slug: name.toLowerCase().replace(/\s+/g, '-'),
    type: 'movie',
    name,
    synopsis: 'Not yet shown to anyone.',
    releaseYear: 2024,
    runtimeMinutes: 95,
    maturityRating: 'all',
    genres: ['drama'],
    availability: 'draft',
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await signInAsAdmin(page);
  const refused = refusedResponses(page);
  // Punctuation alone is no search: the box says so and nothing is refused.
  await page.getByLabel('Find a title').fill('%');
  await expect(page.getByRole('alert')).toHaveText('A search needs a letter or a digit');
  await page.getByLabel('Find a title').fill(name.split(' ').slice(0, 2).join(' '));
  await expect(page.getByRole('alert')).toHaveCount(0);
  const row = page.locator('.admin-list li', { hasText: name });
  await expect(row).toContainText('Draft');
  await expectAccessible(page, 'admin titles');
  await screenshots(page, 'admin-titles');

  // The viewer's page of a title has Edit for an admin.
  await row.getByRole('link', { name, exact: true }).click();
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  // A saved title's slug is its address: a new name leaves it as it is.
  await page.getByLabel('Name', { exact: true }).fill(`${name} Revisited`);
  await expect(page.getByLabel(/^Slug/)).toHaveValue(name.toLowerCase().replace(/\s+/g, '-'));
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Synopsis').fill('A harbour town waits for the tide.');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByLabel('Synopsis')).toHaveValue('A harbour town waits for the tide.');
  const saved = (await (await admin.call('GET', `/titles/${id}`)).json()) as { synopsis: string };
  expect(saved.synopsis).toBe('A harbour town waits for the tide.');

  // Delete asks first, naming the title; keeping it changes nothing.
  await page.getByRole('button', { name: `Delete ${name}` }).click();
  await page.getByRole('button', { name: 'Keep it' }).click();
  expect((await admin.call('GET', `/titles/${id}`)).status).toBe(200);
  await page.getByRole('button', { name: `Delete ${name}` }).click();
  await expect(page.getByRole('group', { name: `Delete ${name}?` })).toBeVisible();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('heading', { name: 'Titles', exact: true })).toBeVisible();
  await page.getByLabel('Find a title').fill(name);
  await expect(page.getByRole('status').filter({ hasText: 'No titles match.' })).toBeVisible();
  expect((await admin.call('GET', `/titles/${id}`)).status).toBe(404);
  expect(refused).toEqual([]);
});
