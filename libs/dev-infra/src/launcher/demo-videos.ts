import type { ServiceErrorCode, TitleTypeName } from '@kinema/contracts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './plan';

/** The committed sample clips (tools/media/samples), uploaded in turn. */
const SAMPLES = [
  { file: 'bars-faststart.mp4', contentType: 'video/mp4' },
  { file: 'testsrc.webm', contentType: 'video/webm' },
  { file: 'testsrc-moov-at-end.mp4', contentType: 'video/mp4' },
] as const;

/** The development viewer `npm start` prints a playback URL for (development only). */
export const DEMO_VIEWER = { email: 'viewer@kinema.local', password: 'kinema-dev-viewer' };

interface TitleSummary {
  id: string;
  name: string;
  type: TitleTypeName;
  playable: boolean;
}
interface TitleDetail extends TitleSummary {
  seasons: Array<{
    number: number;
    episodes: Array<{ id: string; number: number; playable: boolean }>;
  }>;
}

export interface DemoVideos {
  uploaded: number;
  alreadyPlayable: number;
  /** A stream URL with a playback grant: opens in a browser, no header needed. */
  watchUrl?: string;
  watchTitle?: string;
}

class Api {
  token?: string;
  constructor(private readonly base: string) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Uploads a file; a refusal for now (429, 503) is retried after its Retry-After, 10 times. */
  async upload(path: string, bytes: Buffer, contentType: string): Promise<void> {
    let response: Response;
    for (let attempt = 1; ; attempt += 1) {
      response = await fetch(`${this.base}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token ?? ''}`, 'content-type': contentType },
        body: bytes,
      });
      if ((response.status !== 429 && response.status !== 503) || attempt === 10) break;
      await response.arrayBuffer();
      const seconds = Number(response.headers.get('retry-after')) || 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
    if (response.status !== 201) {
      throw new Error(`POST ${path}: ${response.status} ${(await response.text()).slice(0, 200)}`);
    }
  }
}

/** The upload path of a title: its own for a movie, its first episode's for a series. */
async function uploadPath(api: Api, title: TitleSummary): Promise<string | undefined> {
  if (title.type === 'movie') return title.playable ? undefined : `/titles/${title.id}/video`;
  const detail = await api.call<TitleDetail>('GET', `/titles/${title.id}`);
  const first = [...detail.seasons]
    .sort((a, b) => a.number - b.number)
    .flatMap((season) => [...season.episodes].sort((a, b) => a.number - b.number))[0];
  if (!first || first.playable) return undefined;
  return `/titles/${title.id}/episodes/${first.id}/video`;
}

const REFUSED_PASSWORD: ServiceErrorCode = 'INVALID_CREDENTIALS';

/** The development admin's sign-in, or its bootstrap credentials. */
export type AdminCredentials = { email: string; password: string } | { accessToken: string };

/** How the launcher's sign-in as the admin went: a token to use, a changed password, or neither. */
export type AdminSignIn = { accessToken: string } | { passwordChanged: true } | { failed: true };

/**
 * Signs in as the admin once, for everything the launcher then does as the admin. The users
 * service takes `admin.password` (BOOTSTRAP_ADMIN_PASSWORD, or the development default) only to
 * create the account, so once someone changes it, on the web app's Account page say, every later
 * start would print and sign in with a password that is not the admin's any more: that is
 * `passwordChanged`. Any other failure is `failed`: the seeding that follows signs in itself and
 * reports why it could not.
 */
export async function signInAsAdmin(
  gatewayUrl: string,
  admin: { email: string; password: string },
): Promise<AdminSignIn> {
  const response = await fetch(`${gatewayUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  }).catch(() => undefined);
  if (!response) return { failed: true };
  const body = (await response.json().catch(() => ({}))) as {
    code?: unknown;
    tokens?: { accessToken?: unknown };
  };
  if (response.ok && typeof body.tokens?.accessToken === 'string')
    return { accessToken: body.tokens.accessToken };
  if (response.status === 401 && body.code === REFUSED_PASSWORD) return { passwordChanged: true };
  return { failed: true };
}

/**
 * Gives the home page something to play: the sample clips go to the one or two most popular
 * published titles of every genre (browse rows show only playable titles). Titles that are
 * already playable (a restart) are skipped, so this costs nothing the second time.
 */
export async function seedDemoVideos(
  gatewayUrl: string,
  admin: AdminCredentials,
  perGenre = 2,
): Promise<DemoVideos> {
  const api = new Api(gatewayUrl);
  api.token =
    'accessToken' in admin
      ? admin.accessToken
      : (await api.call<{ tokens: { accessToken: string } }>('POST', '/auth/login', admin)).tokens
          .accessToken;
  const samples = await Promise.all(
    SAMPLES.map(async (s) => ({
      ...s,
      bytes: await readFile(join(REPO_ROOT, 'tools/media/samples', s.file)),
    })),
  );
  const genres = await api.call<{ items: Array<{ slug: string }> }>('GET', '/genres');
  const chosen = new Map<string, TitleSummary>();
  for (const genre of genres.items) {
    const page = await api.call<{ items: TitleSummary[] }>(
      'GET',
      `/titles?genre=${encodeURIComponent(genre.slug)}&sort=popular&limit=${perGenre}`,
    );
    for (const title of page.items) chosen.set(title.id, title);
  }
  const result: DemoVideos = { uploaded: 0, alreadyPlayable: 0 };
  const queue = [...chosen.values()];
  let next = 0;
  // Two at a time: what the gateway lets one account run at once by default
  // (VIDEO_UPLOADS_PER_ACCOUNT; a lower setting is waited out through Retry-After).
  const worker = async () => {
    for (let title = queue.shift(); title; title = queue.shift()) {
      const path = await uploadPath(api, title);
      if (!path) {
        result.alreadyPlayable += 1;
        continue;
      }
      const sample = samples[next++ % samples.length];
      await api.upload(path, sample.bytes, sample.contentType);
      result.uploaded += 1;
    }
  };
  await Promise.all([worker(), worker()]);
  const movie = [...chosen.values()].find((t) => t.type === 'movie');
  if (movie) {
    result.watchUrl = await watchUrl(gatewayUrl, movie.id);
    result.watchTitle = movie.name;
  }
  return result;
}

/** Signs in the demo viewer (registering it on first start) and asks for a playback grant. */
async function watchUrl(gatewayUrl: string, titleId: string): Promise<string> {
  const viewer = new Api(gatewayUrl);
  try {
    viewer.token = (
      await viewer.call<{ tokens: { accessToken: string } }>('POST', '/auth/register', DEMO_VIEWER)
    ).tokens.accessToken;
  } catch {
    viewer.token = (
      await viewer.call<{ tokens: { accessToken: string } }>('POST', '/auth/login', DEMO_VIEWER)
    ).tokens.accessToken;
  }
  const profiles = await viewer.call<{ items: Array<{ id: string }> }>('GET', '/me/profiles');
  const grant = await viewer.call<{ streamUrl: string }>(
    'POST',
    `/titles/${titleId}/playback`,
    undefined,
    {
      'x-profile-id': profiles.items[0].id,
    },
  );
  return `${gatewayUrl}${grant.streamUrl}`;
}
