import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { BatchedRedisStorage, LIMITER_BATCH_SHARE } from './batched-redis-storage';

const redisUrl = process.env['REDIS_URL'];
const WINDOW_MS = 60_000;
// A clock that stays inside one window, whatever the wall clock does during the test.
const now = () => 1_000 * WINDOW_MS + 5_000;

/** A seeded pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

(redisUrl ? describe : describe.skip)('BatchedRedisStorage (REDIS_URL)', () => {
  const clients: Redis[] = [];
  const storages: BatchedRedisStorage[] = [];
  const replica = (options: { syncIntervalMs?: number } = {}) => {
    const redis = new Redis(redisUrl ?? '');
    clients.push(redis);
    const storage = new BatchedRedisStorage(redis, {
      batched: (name) => name === 'requests',
      now,
      syncIntervalMs: options.syncIntervalMs ?? 60_000,
    });
    storages.push(storage);
    return { redis, storage };
  };
  afterEach(() => {
    for (const storage of storages.splice(0)) storage.onApplicationShutdown();
    for (const redis of clients.splice(0)) redis.disconnect();
  });

  it.each([1, 2, 3, 4, 5])(
    'with two replicas, admits at least the limit and at most limit + one batch (seed %i)',
    async (seed) => {
      const limit = 200;
      const batch = Math.ceil(limit * LIMITER_BATCH_SHARE);
      const key = `test:${randomUUID()}`;
      const replicas = [replica().storage, replica().storage];
      const next = random(seed);
      let admitted = 0;
      let admittedBeforeFirstRefusal: number | undefined;
      for (let n = 0; n < limit * 2; n++) {
        const storage = replicas[next() < 0.5 ? 0 : 1] as BatchedRedisStorage;
        // Replicas reconcile at random moments, as their timers and batches make them.
        if (next() < 0.05) await storage.syncAll();
        const { isBlocked } = await storage.increment(key, WINDOW_MS, limit, WINDOW_MS, 'requests');
        if (!isBlocked) admitted++;
        else admittedBeforeFirstRefusal ??= admitted;
      }
      expect(admittedBeforeFirstRefusal).toBeGreaterThanOrEqual(limit);
      expect(admitted).toBeLessThanOrEqual(limit + batch);
    },
  );

  it('answers without a Redis round trip until a batch fills or the interval passes', async () => {
    const { redis, storage } = replica();
    const writes = jest.spyOn(redis, 'multi');
    const key = `test:${randomUUID()}`;
    const limit = 1_000_000;
    for (let n = 0; n < 1_000; n++) {
      await storage.increment(key, WINDOW_MS, limit, WINDOW_MS, 'requests');
    }
    expect(writes).not.toHaveBeenCalled();
    await storage.syncAll();
    expect(writes).toHaveBeenCalledTimes(1);
    expect(Number(await redis.get(`${key}:${Math.floor(now() / WINDOW_MS)}`))).toBe(1_000);
  });

  it('counts at once unless a full batch is on its way to Redis, and then counts nothing', async () => {
    const { redis, storage } = replica();
    const key = `test:${randomUUID()}`;
    // A limit of 20: batches of one hit, so the first hit starts a write.
    const count = () => storage.incrementNow(key, WINDOW_MS, 20, WINDOW_MS, 'requests');
    expect(count()?.totalHits).toBe(1);
    expect(count()).toBeUndefined();
    expect((await storage.increment(key, WINDOW_MS, 20, WINDOW_MS, 'requests')).totalHits).toBe(2);
    await storage.syncAll();
    expect(Number(await redis.get(`${key}:${Math.floor(now() / WINDOW_MS)}`))).toBe(2);
    // Sign-in's exact limit always waits for Redis.
    expect(storage.incrementNow(key, WINDOW_MS, 20, WINDOW_MS, 'sign-in')).toBeUndefined();
  });

  it('counts exactly across replicas for the limits that are not batched (sign-in)', async () => {
    const key = `test:${randomUUID()}`;
    const [first, second] = [replica().storage, replica().storage];
    for (let n = 0; n < 3; n++) {
      expect((await first.increment(key, WINDOW_MS, 3, WINDOW_MS, 'auth-ip')).isBlocked).toBe(
        false,
      );
    }
    expect((await second.increment(key, WINDOW_MS, 3, WINDOW_MS, 'auth-ip')).isBlocked).toBe(true);
  });

  it('limits alone, and keeps the hits, while Redis is away', async () => {
    const away = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    clients.push(away);
    const errors: unknown[] = [];
    const storage = new BatchedRedisStorage(away, {
      batched: () => true,
      now,
      syncIntervalMs: 60_000,
      onError: (error) => errors.push(error),
    });
    storages.push(storage);
    const key = `test:${randomUUID()}`;
    const answers = [];
    for (let n = 0; n < 4; n++) {
      answers.push((await storage.increment(key, WINDOW_MS, 3, WINDOW_MS, 'requests')).isBlocked);
    }
    await storage.syncAll();
    expect(answers).toEqual([false, false, false, true]);
    expect(errors.length).toBeGreaterThan(0);
  });
});
