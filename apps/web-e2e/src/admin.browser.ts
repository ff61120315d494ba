import { join } from 'node:path';
import {
  chooseFirstProfile,
  expect,
  expectAccessible,
  register,
  screenshots,
  test,
} from './support/fixtures';

const SAMPLE = join(__dirname, '..', '..', '..', 'tools', 'media', 'samples', 'bars-faststart.mp4');

test('the admin creates and publishes a title with a video; a viewer is told live', async ({
  browser,
  baseURL,
}) => {
  const viewer = await (await browser.newContext({ baseURL })).newPage();
  await register(viewer);
  await chooseFirstProfile(viewer);

  const admin = await (await browser.newContext({ baseURL })).newPage();
  await admin.goto('/sign-in');
  await admin.getByLabel('Email').fill(process.env['KINEMA_ADMIN_EMAIL'] ?? '');
  await admin.getByLabel('Password').fill(process.env['KINEMA_ADMIN_PASSWORD'] ?? '');
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await chooseFirstProfile(admin);
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Admin', exact: true })
    .click();
  await expect(admin.getByRole('heading', { name: 'Create a title' })).toBeVisible();

  const name = `Lantern Fields ${Date.now().toString(36)}`;
  await admin.getByLabel('Name', { exact: true }).fill(name);
  await admin.getByLabel(/^Slug/).fill('Not A Slug!');
  await admin.getByRole('checkbox', { name: 'Drama' }).check();
  await admin.getByRole('button', { name: 'Create title' }).click();
  await expect(admin.locator('#title-slug-error')).not.toBeEmpty();
  await expect(admin.getByLabel(/^Slug/)).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(admin, 'admin with errors');

  await admin.getByLabel(/^Slug/).fill(name.toLowerCase().replace(/\s+/g, '-'));
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
