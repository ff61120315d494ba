import { randomUUID } from 'node:crypto';
import { SESSION_COOKIE } from '@kinema/contracts';
import { Client, type Registered } from './support/accounts';
import { eventually } from './support/eventually';
import {
  hmacWithPublicKey,
  resign,
  testSigningKey,
  unsigned,
  withFlippedSignature,
} from './support/forged-tokens';
import { request, startTestSystem, type TestSystem } from './support/system';

interface TitleItem {
  id: string;
  maturityRating: string;
}
interface Problem {
  status: number;
  code?: string;
}

const KIDS_RATINGS = ['all', '7+'];
const key = testSigningKey();
const AUTH_PER_IP = 20;
let system: TestSystem;
let api: string;

beforeAll(async () => {
  system = await startTestSystem(60, {
    // Every test client speaks through a "proxy" with its own X-Forwarded-For address.
    TRUST_PROXY: '1',
    RATE_LIMIT_AUTH_PER_IP: String(AUTH_PER_IP),
    // The test owns the signing key, so it can mint expired and wrong-audience tokens with it.
    JWT_PRIVATE_KEY: key.pem,
  });
  api = `${system.gatewayUrl}/api/v1`;
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

const client = () => new Client(api);

let admin: Client | undefined;
/** A published title made by the bootstrap admin, so the test knows its rating. */
async function createTitle(slug: string, maturityRating: string): Promise<TitleItem> {
  if (!admin) {
    admin = client();
    const login = await admin.call<{ tokens: { accessToken: string } }>('POST', '/auth/login', {
      body: system.plan.admin,
    });
    admin.token = login.body.tokens.accessToken;
  }
  const created = await admin.call<TitleItem>('POST', '/titles', {
    body: {
      slug,
      type: 'movie',
      name: slug.replace(/-/g, ' '),
      synopsis: 'Made by the accounts end-to-end test.',
      releaseYear: 2024,
      runtimeMinutes: 30,
      maturityRating,
      genres: ['drama'],
      availability: 'published',
    },
  });
  if (created.status !== 201) throw new Error(`create title: ${created.status}`);
  return created.body;
}

describe('a viewer, from sign-up to sign-out', () => {
  it('registers, signs in, browses as a kids profile, keeps a list and progress, refreshes and logs out', async () => {
    const word = `zebra${Date.now().toString(36)}`;
    const adult = await createTitle(`${word}-adult`, '18+');
    const kidsTitle = await createTitle(`${word}-kids`, '7+');
    const me = client();
    const account = await me.register();

    const login = await me.call<{ tokens: { accessToken: string; refreshToken: string } }>(
      'POST',
      '/auth/login',
      { body: { email: account.email.toUpperCase(), password: account.password }, token: null },
    );
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    me.token = login.body.tokens.accessToken;
    expect((await me.call<{ email: string }>('GET', '/me')).body.email).toBe(account.email);

    const kids = await me.call<{ id: string; maxMaturity: string }>('POST', '/me/profiles', {
      body: { name: 'Kids', kids: true },
    });
    expect(kids.status).toBe(201);
    expect(kids.body.maxMaturity).toBe('7+');
    const asKids = { 'x-profile-id': kids.body.id };

    // The catalog honours the kids ceiling everywhere, whatever the client asks for.
    const browse = await me.call<{ rows: Array<{ items: TitleItem[] }> }>('GET', '/browse', {
      headers: asKids,
    });
    expect(browse.status).toBe(200);
    const shown = browse.body.rows.flatMap((row) => row.items);
    expect(shown.filter((t) => !KIDS_RATINGS.includes(t.maturityRating))).toEqual([]);
    const wider = await me.call<{ items: TitleItem[] }>(
      'GET',
      '/titles?limit=100&maxMaturity=18%2B',
      {
        headers: asKids,
      },
    );
    expect(wider.body.items.filter((t) => !KIDS_RATINGS.includes(t.maturityRating))).toEqual([]);
    expect(wider.headers.get('cache-control')).toMatch(/private/);
    const search = (token: string | null, headers?: Record<string, string>) =>
      me.call<{ items: TitleItem[] }>('GET', `/titles?q=${word}&limit=100`, { token, headers });
    expect((await search(null)).body.items.map((t) => t.id).sort()).toEqual(
      [adult.id, kidsTitle.id].sort(),
    );
    expect((await search(me.token ?? null, asKids)).body.items.map((t) => t.id)).toEqual([
      kidsTitle.id,
    ]);
    expect((await me.call('GET', `/titles/${adult.id}`, { headers: asKids })).status).toBe(404);
    expect((await me.call('GET', `/titles/${adult.id}`)).status).toBe(200);
    expect((await me.call('PUT', `/me/profiles/${kids.body.id}/list/${adult.id}`)).status).toBe(
      404,
    );

    expect((await me.call('PUT', `/me/profiles/${kids.body.id}/list/${kidsTitle.id}`)).status).toBe(
      200,
    );
    const list = await me.call<{ items: Array<{ title: TitleItem }> }>(
      'GET',
      `/me/profiles/${kids.body.id}/list`,
    );
    expect(list.body.items.map((i) => i.title.id)).toEqual([kidsTitle.id]);

    const progress = await me.call<{ positionSeconds: number }>(
      'PUT',
      `/me/profiles/${kids.body.id}/progress/${kidsTitle.id}`,
      { body: { positionSeconds: 600, durationSeconds: 1_800 } },
    );
    expect(progress.status).toBe(200);
    const watching = await me.call<{ items: Array<{ title: TitleItem; positionSeconds: number }> }>(
      'GET',
      `/me/profiles/${kids.body.id}/continue-watching`,
    );
    expect(watching.body.items.map((i) => [i.title.id, i.positionSeconds])).toEqual([
      [kidsTitle.id, 600],
    ]);
    const rows = await me.call<{
      rows: Array<{ id: string; items: TitleItem[] }>;
      progress: Array<{ titleId: string; positionSeconds: number }>;
    }>('GET', '/browse', {
      headers: asKids,
    });
    expect(rows.body.rows[0]).toMatchObject({
      id: 'continue-watching',
      items: [{ id: kidsTitle.id }],
    });
    // The whole home page in one answer: where it stopped, and My List after the first row.
    expect(rows.body.progress).toEqual([
      expect.objectContaining({ titleId: kidsTitle.id, positionSeconds: 600 }),
    ]);
    expect(rows.body.rows.find((row) => row.id === 'my-list')).toMatchObject({
      items: [{ id: kidsTitle.id }],
    });

    const refreshed = await me.call<{ tokens: { accessToken: string; refreshToken: string } }>(
      'POST',
      '/auth/refresh',
      { body: { refreshToken: login.body.tokens.refreshToken }, token: null },
    );
    expect(refreshed.status).toBe(200);
    me.token = refreshed.body.tokens.accessToken;
    expect((await me.call('GET', '/me')).status).toBe(200);

    const logout = await me.call('POST', '/auth/logout', {
      body: { refreshToken: refreshed.body.tokens.refreshToken },
    });
    expect(logout.status).toBe(204);
    const again = await me.call<Problem>('POST', '/auth/refresh', {
      body: { refreshToken: refreshed.body.tokens.refreshToken },
      token: null,
    });
    expect(again.status).toBe(401);
    // Logged out through this gateway: its access token is refused at once.
    expect((await me.call('GET', '/me')).status).toBe(401);
  });
});

describe('tokens the gateway refuses', () => {
  let viewer: Client;
  let account: Registered;

  beforeAll(async () => {
    viewer = client();
    account = await viewer.register();
  });

  const refused = async (token: string) => {
    const answer = await viewer.call<Problem>('GET', '/me', { token });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  };

  it('accepts the genuine token (the control case)', async () => {
    expect((await viewer.call('GET', '/me')).status).toBe(200);
  });

  it('refuses a tampered signature', async () => {
    await refused(withFlippedSignature(account.tokens.accessToken));
  });

  it('refuses `alg: none`', async () => {
    await refused(unsigned(account.tokens.accessToken));
  });

  it('refuses an HS256 token signed with the public key as the secret', async () => {
    await refused(hmacWithPublicKey(account.tokens.accessToken, key.publicKey));
  });

  it('refuses an expired token (signed with the real key)', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    await refused(await resign(account.tokens.accessToken, key.privateKey, { exp: past }));
  });

  it('refuses a token for another audience (signed with the real key)', async () => {
    await refused(await resign(account.tokens.accessToken, key.privateKey, { aud: 'another-api' }));
  });

  it('refuses a token that is not a bearer token at all', async () => {
    const answer = await viewer.call('GET', '/me', {
      token: null,
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(answer.status).toBe(401);
  });

  it('refuses the token of a deleted account', async () => {
    const doomed = client();
    const gone = await doomed.register();
    expect((await doomed.call('GET', '/me')).status).toBe(200);
    expect(
      (await doomed.call('DELETE', '/me', { body: { currentPassword: 'wrong-password' } })).status,
    ).toBe(403);
    expect(
      (await doomed.call('DELETE', '/me', { body: { currentPassword: gone.password } })).status,
    ).toBe(204);
    await refused(gone.tokens.accessToken);
    const login = await doomed.call<Problem>('POST', '/auth/login', {
      body: { email: gone.email, password: gone.password },
      token: null,
    });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('ends the whole session when a refresh token is used twice', async () => {
    const victim = client();
    const signedUp = await victim.register();
    const first = await victim.call<{ tokens: { accessToken: string; refreshToken: string } }>(
      'POST',
      '/auth/refresh',
      { body: { refreshToken: signedUp.tokens.refreshToken }, token: null },
    );
    expect(first.status).toBe(200);
    const reuse = await victim.call<Problem>('POST', '/auth/refresh', {
      body: { refreshToken: signedUp.tokens.refreshToken },
      token: null,
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    const successor = await victim.call('POST', '/auth/refresh', {
      body: { refreshToken: first.body.tokens.refreshToken },
      token: null,
    });
    expect(successor.status).toBe(401);
    // Access tokens of the family die too, within the gateway's session-check cache period.
    await eventually(async () =>
      expect(
        (await victim.call('GET', '/me', { token: first.body.tokens.accessToken })).status,
      ).toBe(401),
    );
  });

  it("answers a browser's refresh sent again with its key and the old cookie (a page reloaded before the answer) with that refresh and its cookie, and the session goes on", async () => {
    const viewer = client();
    const signedUp = await viewer.register();
    const key = randomUUID();
    const withCookie = (refreshToken: string, idempotencyKey?: string) => ({
      headers: {
        [SESSION_COOKIE.modeHeader]: SESSION_COOKIE.modeValue,
        cookie: `${SESSION_COOKIE.name}=${refreshToken}`,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: {},
      token: null,
    });
    const cookieOf = (headers: Headers) =>
      headers
        .getSetCookie()
        .find((line) => line.startsWith(`${SESSION_COOKIE.name}=`))
        ?.split(';')[0]
        ?.slice(SESSION_COOKIE.name.length + 1);
    type Refreshed = { tokens: { accessToken: string } };
    const first = await viewer.call<Refreshed>(
      'POST',
      '/auth/refresh',
      withCookie(signedUp.tokens.refreshToken, key),
    );
    expect(first.status).toBe(200);
    const rotated = cookieOf(first.headers);
    expect(rotated).toEqual(expect.any(String));
    // The page that sent it is gone; the next one presents the cookie the browser still holds.
    const again = await viewer.call<Refreshed>(
      'POST',
      '/auth/refresh',
      withCookie(signedUp.tokens.refreshToken, key),
    );
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The cookie the first answer set, again: the browser may never have stored it.
    expect(cookieOf(again.headers)).toBe(rotated);
    expect((await viewer.call('GET', '/me', { token: again.body.tokens.accessToken })).status).toBe(
      200,
    );
    // The session goes on with that cookie.
    const next = await viewer.call('POST', '/auth/refresh', withCookie(rotated ?? '', key));
    expect(next.status).toBe(200);
    expect(next.headers.get('idempotent-replayed')).toBeNull();
    // The used token without the key is still a stolen one: the session ends.
    const stolen = await viewer.call<Problem>(
      'POST',
      '/auth/refresh',
      withCookie(signedUp.tokens.refreshToken),
    );
    expect(stolen.status).toBe(401);
    expect(stolen.body.code).toBe('REFRESH_TOKEN_REUSED');
  });
});

describe('profiles belong to their account', () => {
  it("answers 404 for another account's profile on every profile route and as X-Profile-Id", async () => {
    const owner = client();
    const mine = await owner.register();
    const intruder = client();
    await intruder.register();
    const titleId = '00000000-0000-4000-8000-000000000000';
    const base = `/me/profiles/${mine.profileId}`;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `${base}/list`],
      ['PUT', `${base}/list/${titleId}`],
      ['DELETE', `${base}/list/${titleId}`],
      ['PUT', `${base}/progress/${titleId}`, { positionSeconds: 10, durationSeconds: 100 }],
      ['GET', `${base}/continue-watching`],
      ['PATCH', base, { name: 'Mine now' }],
      ['DELETE', base],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await intruder.call(method, path, { body });
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    const browse = await intruder.call('GET', '/browse', {
      headers: { 'x-profile-id': mine.profileId },
    });
    expect(browse.status).toBe(404);
    const profiles = await owner.call<{ items: Array<{ name: string }> }>('GET', '/me/profiles');
    expect(profiles.body.items).toHaveLength(1);
    expect(profiles.body.items[0]?.name).not.toBe('Mine now');
  });
});

describe('hostile input gets a 4xx and changes nothing', () => {
  it('refuses SQL-looking and 10 kB inputs everywhere', async () => {
    const user = client();
    const account = await user.register();
    const sql = "' OR '1'='1'; DROP TABLE accounts; --";
    const big = 'x'.repeat(10_240);
    const attempts: Array<[string, string, unknown?, Record<string, string>?]> = [
      ['POST', '/auth/login', { email: sql, password: sql }],
      ['POST', '/auth/login', { email: `${big}@example.com`, password: 'password123' }],
      ['POST', '/auth/login', { email: account.email, password: big }],
      ['POST', '/auth/register', { email: sql, password: 'password123' }],
      ['POST', '/auth/register', { email: `a@${big}.com`, password: 'password123' }],
      ['POST', '/auth/refresh', { refreshToken: sql }],
      ['POST', '/auth/refresh', { refreshToken: big }],
      ['GET', `/me/profiles/${encodeURIComponent(sql)}/list`],
      ['PUT', `/me/profiles/${account.profileId}/list/${encodeURIComponent(sql)}`],
      ['POST', '/me/profiles', { name: big }],
      ['PATCH', `/me/profiles/${account.profileId}`, { name: big }],
      [
        'PUT',
        `/me/profiles/${account.profileId}/progress/${account.profileId}`,
        { positionSeconds: sql },
      ],
      ['GET', `/me/profiles/${account.profileId}/list?cursor=${encodeURIComponent(sql)}`],
      ['GET', '/browse', undefined, { 'x-profile-id': sql }],
      ['GET', '/me', undefined, { authorization: `Bearer ${big}` }],
    ];
    for (const [method, path, body, headers] of attempts) {
      const answer = await user.call<Problem>(method, path.slice(0, 300), { body, headers });
      expect([method, path.slice(0, 60), answer.status >= 400 && answer.status < 500]).toEqual([
        method,
        path.slice(0, 60),
        true,
      ]);
    }
    // Nothing changed: the account signs in as before and still has its one, unrenamed profile.
    const login = await user.call('POST', '/auth/login', {
      body: { email: account.email, password: account.password },
      token: null,
    });
    expect(login.status).toBe(200);
    const profiles = await user.call<{ items: Array<{ id: string }> }>('GET', '/me/profiles');
    expect(profiles.body.items.map((p) => p.id)).toEqual([account.profileId]);
  });
});

// Every route not listed here is treated as an admin route: a new route is either classified
// on purpose or must refuse anonymous (401) and viewer (403) callers.
const OPEN_TO_ANYONE = [
  'GET /api/v1/titles',
  'GET /api/v1/titles/{id}',
  'GET /api/v1/genres',
  'GET /api/v1/browse',
  // Posters and backdrops, content-addressed: images a signed-out home page shows too.
  'GET /api/v1/artwork/{kind}/{hash}/{file}',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
];
const FOR_SIGNED_IN_VIEWERS = /^[A-Z]+ \/api\/v1\/me(\/|$)/;
// Playback: a signed-in profile (or, for streams, a playback grant in the query); never anonymous.
const FOR_VIEWERS_OR_GRANTS = [
  'GET /api/v1/titles/{id}/stream',
  'HEAD /api/v1/titles/{id}/stream',
  'GET /api/v1/titles/{id}/episodes/{episodeId}/stream',
  'HEAD /api/v1/titles/{id}/episodes/{episodeId}/stream',
  'POST /api/v1/titles/{id}/playback',
  'POST /api/v1/titles/{id}/episodes/{episodeId}/playback',
];
const isViewerRoute = (route: string) =>
  FOR_SIGNED_IN_VIEWERS.test(route) || FOR_VIEWERS_OR_GRANTS.includes(route);
/** HEAD is answered as its GET is, access included. */
const asRead = (method: string, path: string) => `${method === 'HEAD' ? 'GET' : method} ${path}`;
const hasBody = (method: string) => !['GET', 'HEAD', 'DELETE'].includes(method);

describe('admin routes', () => {
  it('every route outside the public and viewer sets refuses anonymous callers (401) and viewers (403)', async () => {
    const doc = await request<{ paths: Record<string, Record<string, unknown>> }>(
      system.gatewayUrl,
      '/docs/openapi.json',
    );
    const routes = Object.entries(doc.body.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
    const admin = routes.filter(
      ({ method, path }) =>
        !OPEN_TO_ANYONE.includes(asRead(method, path)) && !isViewerRoute(asRead(method, path)),
    );
    expect(admin.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/titles',
        'PUT /api/v1/titles/{id}',
        'PATCH /api/v1/titles/{id}',
        'DELETE /api/v1/titles/{id}',
        'POST /api/v1/titles/{id}/video',
        'POST /api/v1/titles/{id}/episodes/{episodeId}/video',
        'GET /api/v1/videos/{id}',
      ]),
    );
    const viewer = client();
    await viewer.register();
    for (const { method, path } of admin) {
      const url = path
        .replace(/^\/api\/v1/, '')
        .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const body = hasBody(method) ? {} : undefined;
      const anonymous = await viewer.call(method, url, { body, token: null });
      const asViewer = await viewer.call(method, url, { body });
      expect([method, path, anonymous.status, asViewer.status]).toEqual([method, path, 401, 403]);
    }
    // The viewer routes still refuse anonymous callers.
    for (const { method, path } of routes.filter((r) => isViewerRoute(asRead(r.method, r.path)))) {
      const url = path
        .replace(/^\/api\/v1/, '')
        .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const anonymous = await viewer.call(method, url, {
        body: hasBody(method) ? {} : undefined,
        token: null,
      });
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }
  });

  it('documents the bearer scheme and every new route', async () => {
    const doc = await request<{
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, { scheme: string }> };
    }>(system.gatewayUrl, '/docs/openapi.json');
    expect(doc.body.components.securitySchemes['bearer']?.scheme).toBe('bearer');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/register',
        '/api/v1/auth/login',
        '/api/v1/auth/refresh',
        '/api/v1/auth/logout',
        '/api/v1/me',
        '/api/v1/me/profiles',
        '/api/v1/me/profiles/{profileId}',
        '/api/v1/me/profiles/{profileId}/list',
        '/api/v1/me/profiles/{profileId}/list/{titleId}',
        '/api/v1/me/profiles/{profileId}/progress/{titleId}',
        '/api/v1/me/profiles/{profileId}/continue-watching',
      ]),
    );
  });
});

describe('rate limits', () => {
  it('1,000 rapid logins from one address hit 429 with Retry-After while another user reads undisturbed', async () => {
    const attacker = client();
    const target = await client().register();
    const reader = client();
    await reader.register();

    const reads: number[] = [];
    let burstDone = false;
    const readLoop = (async () => {
      while (!burstDone || reads.length < 50) {
        reads.push((await reader.call('GET', '/titles?limit=5')).status);
      }
    })();
    const statuses: Array<{ status: number; retryAfter: string | null }> = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          attacker.call('POST', '/auth/login', {
            body: { email: target.email, password: 'guessing-the-password' },
            token: null,
          }),
        ),
      );
      statuses.push(
        ...answers.map((a) => ({ status: a.status, retryAfter: a.headers.get('retry-after') })),
      );
    }
    burstDone = true;
    await readLoop;

    const limited = statuses.filter((s) => s.status === 429);
    expect(statuses).toHaveLength(1_000);
    expect(limited.length).toBeGreaterThanOrEqual(1_000 - AUTH_PER_IP);
    expect(limited.every((s) => Number(s.retryAfter) > 0)).toBe(true);
    expect(statuses.filter((s) => s.status !== 429 && s.status !== 401)).toEqual([]);
    expect(reads.length).toBeGreaterThanOrEqual(50);
    expect(reads.filter((status) => status !== 200)).toEqual([]);
    // The stranger's failures do not lock the owner out: from another address the right
    // password still signs in (the per-email budget is per email and address).
    const elsewhere = client();
    const fromElsewhere = await elsewhere.call('POST', '/auth/login', {
      body: { email: target.email, password: target.password },
      token: null,
    });
    expect(fromElsewhere.status).toBe(200);
  });
});
