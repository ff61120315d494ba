import { randomUUID } from 'node:crypto';
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Role, SESSION_COOKIE } from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import { IDEMPOTENCY_STORE } from '../idempotency/idempotency.interceptor';
import { MemoryIdempotencyStore, type KeyRecord } from '../idempotency/idempotency-store';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { testTokenIssuer } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const ACCOUNT = '3b2f0a9c-7d1e-4f6a-8b5c-9e0d1f2a3b4c';
const SESSION = '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d';
const account = { id: ACCOUNT, email: 'ada@example.com', role: Role.ROLE_VIEWER };
const COOKIE_MODE = { [SESSION_COOKIE.modeHeader]: SESSION_COOKIE.modeValue };

describe('the browser session cookie (X-Session-Mode: cookie)', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  /** Refresh tokens the users service was asked to rotate or end, in order. */
  const refreshed: string[] = [];
  const loggedOut: string[] = [];
  let issued = 0;
  /** The gateway's idempotency store, saying how long it was asked to keep each answer. */
  const keys = new (class extends MemoryIdempotencyStore {
    readonly keptMs: number[] = [];
    override async complete(key: string, record: KeyRecord, retentionMs: number): Promise<void> {
      this.keptMs.push(retentionMs);
      return super.complete(key, record, retentionMs);
    }
  })(1000);
  /** When set, the users service holds a refresh until it is called (the call's answer). */
  let holdRefresh: ((answer: () => void) => void) | undefined;

  beforeAll(async () => {
    const issuer = await testTokenIssuer();
    const tokens = async () => {
      issued += 1;
      return {
        accessToken: await issuer.sign({ accountId: ACCOUNT, role: 'viewer', sessionId: SESSION }),
        accessTokenExpireTime: new Date(Date.now() + 15 * 60_000),
        refreshToken: `refresh-${issued}`,
        refreshTokenExpireTime: new Date(Date.now() + 30 * 86_400_000),
        sessionId: SESSION,
      };
    };
    services = new FakeServices({
      users: {
        getSigningKeys: issuer.getSigningKeys,
        login: (_call: unknown, done: sendUnaryData<unknown>) =>
          void tokens().then((t) => done(null, { account, tokens: t })),
        refresh: (
          call: ServerUnaryCall<{ refreshToken: string }, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          refreshed.push(call.request.refreshToken);
          if (call.request.refreshToken === 'spent')
            return done(
              grpcFailure(status.UNAUTHENTICATED, 'INVALID_REFRESH_TOKEN', 'Sign in again.'),
            );
          const answer = () => void tokens().then((t) => done(null, { tokens: t }));
          if (holdRefresh) holdRefresh(answer);
          else answer();
        },
        logout: (
          call: ServerUnaryCall<{ refreshToken: string }, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          loggedOut.push(call.request.refreshToken);
          done(null, {});
        },
        getAccount: (_call: unknown, done: sendUnaryData<unknown>) => done(null, { account }),
      },
    });
    // Every request here comes from one address, more than the auth routes' limit for one
    // (tested in the rate-limit tests).
    app = await createTestGateway(
      services,
      { RATE_LIMIT_AUTH_PER_IP: '1000' },
      undefined,
      (builder) => builder.overrideProvider(IDEMPOTENCY_STORE).useValue(keys),
    );
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  beforeEach(() => {
    refreshed.length = 0;
    loggedOut.length = 0;
    holdRefresh = undefined;
  });

  const inject = (options: InjectOptions) => app.getHttpAdapter().getInstance().inject(options);
  const login = (headers: Record<string, string> = {}) =>
    inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { email: 'ada@example.com', password: 'correct horse battery staple' },
    });
  /** The value of the session cookie an answer sets, and its attributes. */
  const sessionCookie = (headers: Record<string, unknown>) => {
    const all = [headers['set-cookie'] ?? []].flat() as string[];
    const line = all.find((entry) => entry.startsWith(`${SESSION_COOKIE.name}=`));
    if (!line) return undefined;
    const [pair = '', ...attributes] = line.split(/; */);
    return { value: pair.slice(SESSION_COOKIE.name.length + 1), attributes };
  };
  const cookieHeader = (value: string) => ({ cookie: `${SESSION_COOKIE.name}=${value}` });

  it('keeps the refresh token in an HttpOnly, Secure, SameSite=Strict cookie scoped to the auth routes, out of the body', async () => {
    // Over HTTPS, ended by the proxy in front.
    const answer = await login({ ...COOKIE_MODE, 'x-forwarded-proto': 'https' });
    expect(answer.statusCode).toBe(200);
    const cookie = sessionCookie(answer.headers);
    expect(cookie?.value).toMatch(/^refresh-\d+$/);
    expect(cookie?.attributes).toEqual(
      expect.arrayContaining([
        `Path=${SESSION_COOKIE.path}`,
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
        expect.stringMatching(/^Max-Age=\d+$/),
      ]),
    );
    const body = answer.json<{ tokens: Record<string, unknown> }>();
    expect(body.tokens['refreshToken']).toBeUndefined();
    expect(body.tokens['accessToken']).toEqual(expect.any(String));
  });

  it('over plain HTTP leaves Secure off: a browser keeps no Secure cookie from there', async () => {
    const answer = await login(COOKIE_MODE);
    expect(sessionCookie(answer.headers)?.attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict']),
    );
    expect(sessionCookie(answer.headers)?.attributes).not.toContain('Secure');
  });

  it('answers API clients as before: the refresh token in the body and no cookie', async () => {
    const answer = await login();
    expect(answer.json<{ tokens: { refreshToken: string } }>().tokens.refreshToken).toMatch(
      /^refresh-/,
    );
    expect(sessionCookie(answer.headers)).toBeUndefined();
  });

  it('refreshes from the cookie, rotates it and names the account', async () => {
    const answer = await inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...COOKIE_MODE, ...cookieHeader('refresh-1') },
      payload: {},
    });
    expect(answer.statusCode).toBe(200);
    expect(refreshed).toEqual(['refresh-1']);
    expect(sessionCookie(answer.headers)?.value).toMatch(/^refresh-\d+$/);
    const body = answer.json<{ tokens: Record<string, unknown>; account: { id: string } }>();
    expect(body.account.id).toBe(ACCOUNT);
    expect(body.tokens['refreshToken']).toBeUndefined();
  });

  it('ignores the cookie of a request that does not ask for cookie mode, as a cross-site form would send it', async () => {
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', ''],
      ['text/plain', '{}'],
      ['application/json', '{}'],
    ] as const) {
      const answer = await inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { 'content-type': type, ...cookieHeader('refresh-1') },
        payload,
      });
      expect([400, 415]).toContain(answer.statusCode);
      expect(sessionCookie(answer.headers)).toBeUndefined();
    }
    expect(refreshed).toEqual([]);
  });

  it('refuses cookie mode to a request the browser marks as coming from another site', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const answer = await inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { ...COOKIE_MODE, ...cookieHeader('refresh-1'), 'sec-fetch-site': site },
        payload: {},
      });
      expect(answer.statusCode).toBe(403);
      expect(answer.json<{ code: string }>().code).toBe('CROSS_SITE_REQUEST');
    }
    const logout = await inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...COOKIE_MODE, ...cookieHeader('refresh-1'), 'sec-fetch-site': 'cross-site' },
      payload: {},
    });
    expect(logout.statusCode).toBe(403);
    expect(refreshed).toEqual([]);
    expect(loggedOut).toEqual([]);
  });

  it('gives no page of another origin leave to send the mode header (CORS preflight)', async () => {
    const preflight = await inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/refresh',
      headers: {
        origin: 'https://elsewhere.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': `content-type,${SESSION_COOKIE.modeHeader}`,
      },
    });
    const allowed = String(preflight.headers['access-control-allow-headers'] ?? '').toLowerCase();
    expect(allowed.split(/, */)).not.toContain(SESSION_COOKIE.modeHeader);
  });

  it('answers 401 in cookie mode without a cookie, and drops a cookie the users service refuses', async () => {
    const none = await inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: COOKIE_MODE,
      payload: {},
    });
    expect(none.statusCode).toBe(401);
    const spent = await inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...COOKIE_MODE, ...cookieHeader('spent') },
      payload: {},
    });
    expect(spent.statusCode).toBe(401);
    expect(sessionCookie(spent.headers)).toEqual(
      expect.objectContaining({ value: '', attributes: expect.arrayContaining(['Max-Age=0']) }),
    );
  });

  it('signs out with the cookie: ends its session and clears it', async () => {
    const answer = await inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...COOKIE_MODE, ...cookieHeader('refresh-7') },
      payload: {},
    });
    expect(answer.statusCode).toBe(204);
    expect(loggedOut).toEqual(['refresh-7']);
    expect(sessionCookie(answer.headers)?.attributes).toContain('Max-Age=0');
  });

  it('still needs the refresh token in the body outside cookie mode, and names the field', async () => {
    const answer = await inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: {} });
    expect(answer.statusCode).toBe(400);
    expect(answer.json<{ errors: Array<{ field: string }> }>().errors[0]?.field).toBe(
      'refreshToken',
    );
  });

  describe('a refresh whose page may be gone before its answer (Idempotency-Key)', () => {
    const refresh = (cookie: string | undefined, key: string, mode = COOKIE_MODE) =>
      inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { ...mode, ...(cookie ? cookieHeader(cookie) : {}), 'idempotency-key': key },
        payload: {},
      });

    it('answers the same key with the same cookie with the first refresh, replayed: the used token is not presented again', async () => {
      const key = randomUUID();
      const first = await refresh('refresh-1', key);
      const next = sessionCookie(first.headers)?.value;
      // The page reloaded before it saw that answer; the next page sends what the browser holds.
      const again = await refresh('refresh-1', key);
      expect(refreshed).toEqual(['refresh-1']);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      // The first answer brought the new cookie; a replay neither repeats nor clears it.
      expect(sessionCookie(again.headers)).toBeUndefined();
      expect(again.headers['cache-control']).toBe('no-store');
      // Once the browser holds the new cookie, the same key is a new refresh.
      const later = await refresh(next, key);
      expect(later.statusCode).toBe(200);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(refreshed).toEqual(['refresh-1', next]);
    });

    it('keeps a refresh for a replay 15 minutes, as long as its access token lasts, not the 24 hours of a POST', async () => {
      keys.keptMs.length = 0;
      await refresh('refresh-6', randomUUID());
      expect(keys.keptMs).toEqual([15 * 60_000]);
    });

    it('answers 409 with Retry-After while the first refresh with the key still runs, and presents the token once', async () => {
      let answerFirst: (() => void) | undefined;
      const reached = new Promise<void>((resolve) => {
        holdRefresh = (answer) => {
          answerFirst = answer;
          resolve();
        };
      });
      const key = randomUUID();
      const first = refresh('refresh-2', key);
      await reached;
      const concurrent = await refresh('refresh-2', key);
      expect(concurrent.statusCode).toBe(409);
      expect(concurrent.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
      expect(concurrent.headers['retry-after']).toBe('1');
      answerFirst?.();
      expect((await first).statusCode).toBe(200);
      expect((await refresh('refresh-2', key)).headers['idempotent-replayed']).toBe('true');
      expect(refreshed).toEqual(['refresh-2']);
    });

    it('keeps the key to its cookie: another cookie with the same key is refreshed on its own', async () => {
      const key = randomUUID();
      await refresh('refresh-3', key);
      const other = await refresh('refresh-4', key);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      expect(refreshed).toEqual(['refresh-3', 'refresh-4']);
    });

    it('answers a page whose cookie is gone 401, key or not, so that it shows sign-in', async () => {
      const answer = await refresh(undefined, randomUUID());
      expect(answer.statusCode).toBe(401);
      expect(refreshed).toEqual([]);
    });

    it('refuses a key outside cookie mode (400 naming the header): the answer would hold a refresh token', async () => {
      const answer = await inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { 'idempotency-key': randomUUID() },
        payload: { refreshToken: 'refresh-5' },
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.json<{ errors: Array<{ field: string }> }>().errors[0]?.field).toBe(
        'Idempotency-Key',
      );
      expect(refreshed).toEqual([]);
    });
  });
});
