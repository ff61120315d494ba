import { randomUUID } from 'node:crypto';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { MaturityRating, type CreateProfileRequest } from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { FakeServices } from '../testing/fake-services';
import { testAdmin } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const redisUrl = process.env['REDIS_URL'];

/**
 * Two gateway replicas sharing Redis: a POST retried with the same Idempotency-Key on the other
 * replica (as a client reconnecting after a timeout lands) creates one resource.
 */
(redisUrl ? describe : describe.skip)('with REDIS_URL: Idempotency-Key across replicas', () => {
  const prefix = `test:${randomUUID()}:idempotency:`;
  let services: FakeServices;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let token: string;
  let calls = 0;

  beforeAll(async () => {
    const admin = await testAdmin();
    token = admin.token;
    services = new FakeServices({
      users: {
        ...admin.users,
        createProfile: (
          call: ServerUnaryCall<CreateProfileRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          calls++;
          done(null, {
            profile: {
              id: randomUUID(),
              accountId: call.request.accountId,
              name: call.request.name,
              kids: false,
              maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED,
            },
          });
        },
      },
    });
    const env = { REDIS_URL: redisUrl ?? '', IDEMPOTENCY_REDIS_PREFIX: prefix };
    first = await createTestGateway(services, env);
    second = await createTestGateway(services, env);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    services?.stop();
    const redis = new Redis(redisUrl ?? '');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const post = (app: NestFastifyApplication, key: string, name: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/me/profiles',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': `"${key}"` },
      payload: { name },
    });

  it('creates one resource for a POST retried on the other replica, and replays its answer', async () => {
    const key = randomUUID();
    const original = await post(first, key, 'Kim');
    const retry = await post(second, key, 'Kim');
    expect(calls).toBe(1);
    expect(original.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(original.json());
    expect(retry.headers['location']).toBe(original.headers['location']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // The other replica also knows the key was used with this request only.
    expect((await post(second, key, 'Lee')).statusCode).toBe(422);
  });

  it('keeps the answer for the retention time the contract names', async () => {
    const key = randomUUID();
    await post(first, key, 'Ada');
    const redis = new Redis(redisUrl ?? '');
    const [stored] = await redis.keys(`${prefix}*`).then(async (keys) => {
      const ttls = await Promise.all(keys.map((name) => redis.pttl(name)));
      return [Math.max(...ttls)];
    });
    await redis.quit();
    // Within a minute of a day (the time the request took is already gone from it).
    expect(stored).toBeGreaterThan(24 * 3600 * 1000 - 60_000);
    expect(stored).toBeLessThanOrEqual(24 * 3600 * 1000);
  });
});
