import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Role, type VerifyAccessTokenRequest } from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { testTokenIssuer, type TestCaller } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const LIMIT = 4;
// A public route; with the cache off every request passes the guards (none is a hot-path hit).
const GENRES = '/api/v1/genres';

const viewer: TestCaller = {
  accountId: '2f0a6c1e-8b3d-4e7f-9a1c-5d2e8f4b6a01',
  role: 'viewer',
  sessionId: '7a3b1c9d-2e4f-4a6b-8c0d-1e2f3a4b5c6d',
};
const neighbour: TestCaller = {
  accountId: '9c8b7a6d-5e4f-4321-8fed-cba987654321',
  role: 'viewer',
  sessionId: '3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9',
};

/**
 * The request budget on public routes: a signed-in caller is counted against its account there
 * too, so one account behind a shared address cannot spend its anonymous neighbours' budget.
 */
describe('the request budget of a signed-in caller on a public route', () => {
  let app: NestFastifyApplication;
  let services: FakeServices;
  let tokens: Map<TestCaller, string>;
  let usersUp: boolean;

  beforeEach(async () => {
    usersUp = true;
    const issuer = await testTokenIssuer();
    tokens = new Map();
    for (const caller of [viewer, neighbour]) tokens.set(caller, await issuer.sign(caller));
    const byToken = new Map([...tokens].map(([caller, token]) => [token, caller]));
    services = new FakeServices({
      users: {
        getSigningKeys: issuer.getSigningKeys,
        verifyAccessToken: (
          call: ServerUnaryCall<VerifyAccessTokenRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          if (!usersUp) return done({ code: status.UNAVAILABLE, details: 'down' } as never);
          const caller = byToken.get(call.request.accessToken);
          if (!caller)
            return done(
              grpcFailure(status.UNAUTHENTICATED, 'INVALID_ACCESS_TOKEN', 'Unknown session.'),
            );
          done(null, {
            accountId: caller.accountId,
            role: Role.ROLE_VIEWER,
            sessionId: caller.sessionId,
          });
        },
      },
      catalog: {
        listGenres: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(null, { genres: [{ slug: 'drama', name: 'Drama' }] }),
      },
    });
    app = await createTestGateway(services, {
      RATE_LIMIT_REQUESTS: String(LIMIT),
      CATALOG_CACHE_TTL_MS: '0',
      // Every request asks the users service, so the outage below is seen at once.
      SESSION_CHECK_CACHE_MS: '0',
    });
  });

  afterEach(async () => {
    await app.close();
    services.stop();
  });

  const get = (authorization?: string) =>
    app.inject({ method: 'GET', url: GENRES, headers: authorization ? { authorization } : {} });
  const bearer = (caller: TestCaller) => `Bearer ${tokens.get(caller)}`;

  it('counts it against its account, leaving the address budget to anonymous callers', async () => {
    const answers: number[] = [];
    for (let n = 0; n <= LIMIT; n++) answers.push((await get(bearer(viewer))).statusCode);
    expect(answers).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    // Same address: anonymous callers and another account still have their budgets.
    expect((await get()).statusCode).toBe(200);
    expect((await get(bearer(neighbour))).statusCode).toBe(200);
  });

  it('counts a refused token by address and still answers the public route', async () => {
    const answers: number[] = [];
    for (let n = 0; n <= LIMIT; n++) answers.push((await get('Bearer not.a.token')).statusCode);
    expect(answers).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    // The address's budget is spent; the signed-in caller's is its own.
    expect((await get()).statusCode).toBe(429);
    expect((await get(bearer(viewer))).statusCode).toBe(200);
  });

  it('answers the public route by address while the users service is out of reach', async () => {
    usersUp = false;
    expect((await get(bearer(viewer))).statusCode).toBe(200);
  });
});
