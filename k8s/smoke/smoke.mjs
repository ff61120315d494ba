// The Kinema smoke flow, as a user would notice it: the API is ready and its event feed joined,
// browse the catalog, register and sign in, read My List, receive a WebSocket notification after
// an admin change (a video uploaded to a new title), add that title to My List and play a byte
// range of it. `helm test` runs this file in the gateway image; apps/e2e runs the same file
// against the system `npm start` starts. Dependency-free (Node's fetch and WebSocket) so the
// image needs nothing more. Exits 0 when every step passed, 1 at the first failure.
//
//   KINEMA_URL=http://gateway:80 KINEMA_ADMIN_EMAIL=... KINEMA_ADMIN_PASSWORD=... \
//   KINEMA_SAMPLE_VIDEO=/path/clip.mp4 node smoke.mjs
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/** Polls `check` until it returns a value, for at most `seconds`: a readiness wait, not a sleep. */
async function until(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${seconds} s${last ? ` (${last.message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function step(name) {
  console.log(`ok ${name}`);
}

export async function runSmoke({ baseUrl, adminEmail, adminPassword, sampleVideo, log = step }) {
  const api = `${baseUrl}/api/v1`;
  const call = async (method, path, { token, body, headers = {} } = {}) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && !(body instanceof Uint8Array)
          ? { 'content-type': 'application/json' }
          : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: body instanceof Uint8Array ? body : JSON.stringify(body) }
        : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const expectStatus = (what, answer, status) => {
    if (answer.status !== status)
      throw new Error(
        `${what}: HTTP ${answer.status}, expected ${status}: ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  };

  // Ready, and the gateway's Kafka consumer has joined: notifications can flow.
  await until('gateway ready with its event feed joined', 180, async () => {
    const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
    const body = await response.json();
    if (response.status === 200 && body?.details?.lifecycle?.events?.feed === 'joined') return true;
    throw new Error(`readyz ${response.status} ${JSON.stringify(body?.details?.lifecycle ?? {})}`);
  });
  log('ready');

  const browse = expectStatus('browse titles', await call('GET', '/titles?limit=5'), 200);
  if (!Array.isArray(browse.items)) throw new Error('browse titles: no items array');
  log(`browse (${browse.items.length} titles)`);

  const email = `smoke-${randomUUID()}@example.com`;
  const password = `smoke-${randomUUID()}`;
  const registered = expectStatus(
    'register',
    await call('POST', '/auth/register', { body: { email, password } }),
    201,
  );
  const profileId = registered.profile.id;
  const viewer = expectStatus(
    'sign in',
    await call('POST', '/auth/login', { body: { email, password } }),
    200,
  ).tokens.accessToken;
  log('sign in');

  const listPath = `/me/profiles/${profileId}/list`;
  const emptyList = expectStatus(
    'read My List',
    await call('GET', listPath, { token: viewer }),
    200,
  );
  if (!Array.isArray(emptyList.items) || emptyList.items.length !== 0)
    throw new Error(
      `read My List: a new profile's list is not empty: ${JSON.stringify(emptyList)}`,
    );
  log('read My List');

  const admin = expectStatus(
    'admin sign in',
    await call('POST', '/auth/login', { body: { email: adminEmail, password: adminPassword } }),
    200,
  ).tokens.accessToken;
  const title = expectStatus(
    'create a title',
    await call('POST', '/titles', {
      token: admin,
      body: {
        slug: `smoke-${randomUUID().slice(0, 8)}`,
        type: 'movie',
        name: 'Smoke test',
        releaseYear: 2025,
        runtimeMinutes: 1,
        maturityRating: 'all',
        genres: ['drama'],
        availability: 'published',
        popularity: 0,
      },
    }),
    201,
  );

  try {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`);
    const messages = [];
    socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
    try {
      await until('WebSocket welcome', 30, async () =>
        messages.some((m) => m.type === 'welcome') ? true : undefined,
      );
      const clip = new Uint8Array(await readFile(sampleVideo));
      expectStatus(
        'upload a video as admin',
        await call('POST', `/titles/${title.id}/video`, {
          token: admin,
          body: clip,
          headers: { 'content-type': 'video/mp4' },
        }),
        201,
      );
      await until('WebSocket notification of the new video', 60, async () =>
        messages.some((m) => m.type === 'video.ready' && m.titleId === title.id) ? true : undefined,
      );
      log('WebSocket notification after an admin change');

      expectStatus(
        'add to My List',
        await call('PUT', `${listPath}/${title.id}`, { token: viewer }),
        200,
      );
      const list = expectStatus(
        'read My List',
        await call('GET', listPath, { token: viewer }),
        200,
      );
      if (!list.items.some((item) => (item.title?.id ?? item.titleId) === title.id))
        throw new Error(`My List lacks the title just added: ${JSON.stringify(list)}`);
      log('My List holds the added title');

      const played = await fetch(`${api}/titles/${title.id}/stream`, {
        headers: {
          authorization: `Bearer ${viewer}`,
          'x-profile-id': profileId,
          range: 'bytes=0-99',
        },
        signal: AbortSignal.timeout(30_000),
      });
      const bytes = new Uint8Array(await played.arrayBuffer());
      if (played.status !== 206) throw new Error(`play a byte range: HTTP ${played.status}`);
      if (played.headers.get('content-range') !== `bytes 0-99/${clip.length}`)
        throw new Error(`play a byte range: Content-Range ${played.headers.get('content-range')}`);
      if (Buffer.compare(Buffer.from(bytes), Buffer.from(clip.subarray(0, 100))) !== 0)
        throw new Error('play a byte range: the bytes differ from the uploaded video');
      log('play a byte range');
    } finally {
      socket.close();
    }
  } finally {
    // Leave the catalog as it was; a failure here is reported but does not hide an earlier one.
    const removed = await call('DELETE', `/titles/${title.id}`, { token: admin }).catch((e) => e);
    if (removed?.status !== 204) console.error(`cleanup: title ${title.id} not deleted`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSmoke({
    baseUrl: env('KINEMA_URL').replace(/\/$/, ''),
    adminEmail: env('KINEMA_ADMIN_EMAIL'),
    adminPassword: env('KINEMA_ADMIN_PASSWORD'),
    sampleVideo: env('KINEMA_SAMPLE_VIDEO'),
  }).then(
    () => console.log('smoke: every step passed'),
    (error) => {
      console.error(`smoke failed: ${error.message}`);
      process.exit(1);
    },
  );
}
