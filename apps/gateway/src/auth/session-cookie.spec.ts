import { randomUUID } from 'node:crypto';
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Role, SESSION_COOKIE } from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
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
  /** The retry key of each refresh the users service was asked for ('' for none). */
  const retryKeys: string[] = [];
  const loggedOut: string[] = [];
  let issued = 0;
  /** An access token of ACCOUNT's session, as the users service signs it. */
  let bearer = '';
  /**
   * Each exchange the users service made, as its token and retry key, and the refresh token it gave
   * out: the same again repeats it ('' once the users service can no longer derive it).
   */
  const exchanged = new Map<string, string>();

  beforeAll(async () => {
    const issuer = await testTokenIssuer();
    bearer = `Bearer ${await issuer.sign({ accountId: ACCOUNT, role: 'viewer', sessionId: SESSION })}`;
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
          call: ServerUnaryCall<{ refreshToken: string; retryKey: string }, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          const { refreshToken, retryKey } = call.request;
          refreshed.push(refreshToken);
          retryKeys.push(retryKey);
          if (refreshToken === 'spent')
            return done(
              grpcFailure(status.UNAUTHENTICATED, 'INVALID_REFRESH_TOKEN', 'Sign in again.'),
            );
          // As the users service answers the same exchange asked again: with the refresh token
          // the exchange gave out.
          const exchange = `${refreshToken} ${retryKey}`;
          const repeated = retryKey !== '' && exchanged.has(exchange);
          void tokens().then((t) => {
            if (!repeated) exchanged.set(exchange, t.refreshToken);
            const again = { ...t, refreshToken: exchanged.get(exchange) ?? '' };
            done(null, { tokens: repeated ? again : t, repeated });
          });
        },
        logout: (
          call: ServerUnaryCall<{ refreshToken: string }, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          loggedOut.push(call.request.refreshToken);
          done(null, {});
        },
        getAccount: (_call: unknown, done: sendUnaryData<unknown>) => done(null, { account }),
        verifyAccessToken: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(null, { accountId: ACCOUNT, role: Role.ROLE_VIEWER, sessionId: SESSION }),
        changePassword: (_call: unknown, done: sendUnaryData<unknown>) =>
          void tokens().then((t) => done(null, { tokens: t })),
        deleteAccount: (_call: unknown, done: sendUnaryData<unknown>) => done(null, {}),
      },
    });
    // Every request here comes from one address, more than the auth routes' limit for one
    // (tested in the rate-limit tests).
    app = await createTestGateway(services, { RATE_LIMIT_AUTH_PER_IP: '1000' });
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  beforeEach(() => {
    refreshed.length = 0;
    retryKeys.length = 0;
    loggedOut.length = 0;
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

  describe('the account routes that end its sessions', () => {
    const changePassword = (headers: Record<string, string> = {}) =>
      inject({
        method: 'PUT',
        url: '/api/v1/me/password',
        headers: { authorization: bearer, ...headers },
        payload: {
          currentPassword: 'correct horse battery staple',
          newPassword: 'a new passphrase',
        },
      });

    it("changing the password puts the new session's refresh token in the cookie, out of the body, so the browser stays signed in", async () => {
      const answer = await changePassword(COOKIE_MODE);
      expect(answer.statusCode).toBe(200);
      const cookie = sessionCookie(answer.headers);
      expect(cookie?.value).toMatch(/^refresh-\d+$/);
      expect(cookie?.attributes).toEqual(
        expect.arrayContaining([`Path=${SESSION_COOKIE.path}`, 'HttpOnly', 'SameSite=Strict']),
      );
      const body = answer.json<{ tokens: Record<string, unknown> }>();
      expect(body.tokens['refreshToken']).toBeUndefined();
      expect(body.tokens['accessToken']).toEqual(expect.any(String));
      expect(answer.headers['cache-control']).toBe('no-store');
    });

    it('changing the password answers an API client the refresh token in the body, and sets no cookie', async () => {
      const answer = await changePassword();
      expect(answer.statusCode).toBe(200);
      expect(answer.json<{ tokens: { refreshToken: string } }>().tokens.refreshToken).toMatch(
        /^refresh-/,
      );
      expect(sessionCookie(answer.headers)).toBeUndefined();
    });

    it('deleting the account clears the cookie in cookie mode, and only there', async () => {
      const remove = (headers: Record<string, string>) =>
        inject({
          method: 'DELETE',
          url: '/api/v1/me',
          headers: { authorization: bearer, ...headers },
          payload: { currentPassword: 'correct horse battery staple' },
        });
      const inCookieMode = await remove(COOKIE_MODE);
      expect(inCookieMode.statusCode).toBe(204);
      expect(sessionCookie(inCookieMode.headers)).toEqual(
        expect.objectContaining({ value: '', attributes: expect.arrayContaining(['Max-Age=0']) }),
      );
      const apiClient = await remove({});
      expect(apiClient.statusCode).toBe(204);
      expect(sessionCookie(apiClient.headers)).toBeUndefined();
    });
  });

  it('still needs the refresh token in the body outside cookie mode, and names the field', async () => {
    const answer = await inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: {} });
    expect(answer.statusCode).toBe(400);
    expect(answer.json<{ errors: Array<{ field: string }> }>().errors[0]?.field).toBe(
      'refreshToken',
    );
  });

  describe('a refresh whose page may be gone before its answer (Idempotency-Key)', () => {
    const refresh = (cookie: string | undefined, key: string | undefined) =>
      inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: {
          ...COOKIE_MODE,
          ...(cookie ? cookieHeader(cookie) : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        payload: {},
      });

    it('hands the key to the users service with the cookie: the same exchange asked again sets the cookie the first answer set', async () => {
      const key = randomUUID();
      const first = await refresh('refresh-1', key);
      expect(first.statusCode).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const next = sessionCookie(first.headers)?.value;
      expect(next).toMatch(/^refresh-/);
      // The page reloaded before it saw that answer; the next page sends what the browser holds.
      const again = await refresh('refresh-1', key);
      expect(retryKeys).toEqual([key, key]);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const body = again.json<{ tokens: Record<string, unknown>; account: { id: string } }>();
      expect(body.account.id).toBe(ACCOUNT);
      expect(body.tokens['accessToken']).toEqual(expect.any(String));
      expect(body.tokens).not.toHaveProperty('refreshToken');
      // The first answer's cookie, which that page may never have stored: the session goes on.
      expect(sessionCookie(again.headers)?.value).toBe(next);
      expect(again.headers['cache-control']).toBe('no-store');
    });

    it('neither sets nor clears the cookie when the users service answers again without the token', async () => {
      const key = randomUUID();
      await refresh('refresh-4', key);
      // As after the signing key changed: the users service can no longer give the token out.
      exchanged.set(`refresh-4 ${key}`, '');
      const again = await refresh('refresh-4', key);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(sessionCookie(again.headers)).toBeUndefined();
    });

    it('sends no key to the users service when the page sends none', async () => {
      await refresh('refresh-2', undefined);
      expect(retryKeys).toEqual(['']);
    });

    it('refuses a malformed key (400 naming the header) without presenting the token', async () => {
      const answer = await refresh('refresh-3', '"unterminated');
      expect(answer.statusCode).toBe(400);
      expect(answer.json<{ errors: Array<{ field: string }> }>().errors[0]?.field).toBe(
        'Idempotency-Key',
      );
      expect(refreshed).toEqual([]);
    });

    it('answers a page whose cookie is gone 401, key or not, so that it shows sign-in', async () => {
      const answer = await refresh(undefined, randomUUID());
      expect(answer.statusCode).toBe(401);
      expect(refreshed).toEqual([]);
    });

    it('refuses a key outside cookie mode (400 naming the header): an answer again would hold no refresh token', async () => {
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
