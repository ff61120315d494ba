import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@kinema/platform/logging';
import { configSchema } from '../config';
import { createGatewayApp } from '../gateway.bootstrap';

// Nothing listens on port 1: every call the limiter lets through fails fast with 503, which is
// all these tests need; they are about what the limiter refuses (429) before any call. Kafka too:
// left at its default, the gateways joined the broker of an `npm start` running beside the tests.
const NOWHERE = '127.0.0.1:1';

async function gateway(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = configSchema.parse({
    CATALOG_GRPC_TARGET: NOWHERE,
    USERS_GRPC_TARGET: NOWHERE,
    KAFKA_BROKERS: NOWHERE,
    DOCS_ENABLED: 'false',
    RATE_LIMIT_AUTH_PER_IP: '3',
    RATE_LIMIT_AUTH_PER_EMAIL: '100',
    ...env,
  });
  const app = await createGatewayApp(config, createLogger('gateway', 'silent'));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

function login(app: NestFastifyApplication, ip: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/json' },
    payload: { email: `${randomUUID()}@example.com`, password: 'password123' },
  });
}

const redisUrl = process.env['REDIS_URL'];

(redisUrl ? describe : describe.skip)('with REDIS_URL: two gateway replicas', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  beforeAll(async () => {
    // A prefix of its own, so runs (and other deployments on the same Redis) never collide.
    const env = { REDIS_URL: redisUrl ?? '', RATE_LIMIT_REDIS_PREFIX: `test:${randomUUID()}:` };
    [first, second] = await Promise.all([gateway(env), gateway(env)]);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('share one budget: attempts counted by one replica are refused by the other with 429', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login(first, '203.0.113.7')).statusCode).not.toBe(429);
    const refused = await login(second, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Another client is not affected.
    expect((await login(second, '203.0.113.8')).statusCode).not.toBe(429);
  });
});

describe('without REDIS_URL: each replica limits in its own memory', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  beforeAll(async () => {
    [first, second] = await Promise.all([gateway({ REDIS_URL: '' }), gateway({ REDIS_URL: '' })]);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('refuses the fourth attempt on the replica that saw three, not on the other', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login(first, '203.0.113.9')).statusCode).not.toBe(429);
    expect((await login(first, '203.0.113.9')).statusCode).toBe(429);
    expect((await login(second, '203.0.113.9')).statusCode).not.toBe(429);
  });
});

describe('per-address limits over IPv6', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await gateway({ REDIS_URL: '' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('count a /64 as one client: a fourth address of the same /64 is refused, the next /64 is not', async () => {
    for (const host of ['a', 'b', 'c'])
      expect((await login(app, `2001:db8:7:1::${host}`)).statusCode).not.toBe(429);
    expect((await login(app, '2001:db8:7:1:ffff:ffff:ffff:ffff')).statusCode).toBe(429);
    expect((await login(app, '2001:db8:7:2::a')).statusCode).not.toBe(429);
  });

  it('count an IPv4 client of a dual-stack listener by its IPv4 address', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login(app, '::ffff:203.0.113.20')).statusCode).not.toBe(429);
    expect((await login(app, '203.0.113.20')).statusCode).toBe(429);
    expect((await login(app, '::ffff:203.0.113.21')).statusCode).not.toBe(429);
  });
});
