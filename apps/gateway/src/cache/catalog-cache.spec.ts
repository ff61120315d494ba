import { Redis } from 'ioredis';
import { CatalogCache } from './catalog-cache';

describe('CatalogCache in memory', () => {
  it('reads through once, then serves the cached value until invalidated', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100 });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    expect(await cache.read('k', load)).toEqual({ n: 1 });
    await cache.invalidateAll();
    expect(await cache.read('k', load)).toEqual({ n: 2 });
  });

  it('never serves an entry past its TTL', async () => {
    let clock = 10_000;
    const cache = new CatalogCache({ ttlMs: 1_000, maxEntries: 100, now: () => clock });
    let loads = 0;
    const load = async () => ++loads;
    await cache.read('k', load);
    clock = 10_999;
    expect(await cache.read('k', load)).toBe(1);
    clock = 11_001;
    expect(await cache.read('k', load)).toBe(2);
  });

  it('is off with a TTL of 0', async () => {
    const cache = new CatalogCache({ ttlMs: 0, maxEntries: 100 });
    let loads = 0;
    await cache.read('k', async () => ++loads);
    await cache.read('k', async () => ++loads);
    expect(loads).toBe(2);
  });
});

const redisUrl = process.env['REDIS_URL'];
(redisUrl ? describe : describe.skip)('CatalogCache on Redis (REDIS_URL)', () => {
  it('is shared by two gateways, and one invalidation reaches both', async () => {
    const a = new Redis(redisUrl ?? '');
    const b = new Redis(redisUrl ?? '');
    try {
      const first = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, redis: a });
      const second = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, redis: b });
      const key = `spec-${Date.now()}-${Math.random()}`;
      await first.read(key, async () => 'from first');
      expect(await second.read(key, async () => 'from second')).toBe('from first');
      await first.invalidateAll();
      expect(await second.read(key, async () => 'from second')).toBe('from second');
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
