import { status, type sendUnaryData } from '@grpc/grpc-js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configSchema } from '../config';
import { createTestGateway } from '../testing/test-gateway';
import { FakeServices, grpcFailure } from '../testing/fake-services';

const INGRESS_SEES = '203.0.113.7';

describe('client addresses behind a proxy (TRUST_PROXY)', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    services = new FakeServices({
      users: {
        login: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(
            grpcFailure(status.UNAUTHENTICATED, 'INVALID_CREDENTIALS', 'Wrong email or password.'),
          ),
      },
    });
    app = await createTestGateway(services, {
      TRUST_PROXY: '1',
      RATE_LIMIT_AUTH_PER_IP: '3',
      RATE_LIMIT_AUTH_PER_EMAIL: '3',
    });
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  /** A sign-in attempt (always refused by the fake users service) through the proxy. */
  const login = (forwardedFor: string, email: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        payload: JSON.stringify({ email, password: 'wrong' }),
      });

  it('counts a client by the address the one trusted proxy saw, whatever it claims before it', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) {
      // A spoofed first entry each time; the ingress appends the address it really saw.
      statuses.push(
        (await login(`198.51.100.${n}, ${INGRESS_SEES}`, `someone-${n}@example.com`)).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another real client behind the same ingress is not held back.
    expect((await login('203.0.113.8', 'someone-9@example.com')).statusCode).toBe(401);
  });

  it("does not let a stranger's failed sign-ins lock the owner out from another address", async () => {
    const attacker = '198.51.100.66';
    const owner = '192.0.2.10';
    const as = (ip: string) => login(ip, 'victim@example.com');
    const attempts: number[] = [];
    for (let n = 0; n < 4; n++) attempts.push((await as(attacker)).statusCode);
    expect(attempts.at(-1)).toBe(429);
    // The fake users service refuses every password: 401 means the owner's attempt was heard.
    expect((await as(owner)).statusCode).toBe(401);
  });

  it('counts refused access tokens against the caller: 429 past the limit, not endless 401s', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) {
      const answer = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'GET',
          url: '/api/v1/me/profiles',
          headers: { authorization: 'Bearer not.a.token', 'x-forwarded-for': '198.51.100.200' },
        });
      statuses.push(answer.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('refuses to trust every hop, and takes a hop count or proxy ranges', () => {
    const trust = (value: string) => configSchema.shape.TRUST_PROXY.safeParse(value);
    expect(trust('true').success).toBe(false);
    expect(trust('2').data).toBe(2);
    expect(trust('false').data).toBe(false);
    expect(trust('10.0.0.0/8, 192.168.1.4').data).toEqual(['10.0.0.0/8', '192.168.1.4']);
    expect(trust('everyone').success).toBe(false);
  });
});
