import { boundedLru } from './bounded-lru';

describe('boundedLru', () => {
  it('keeps at most its bound, dropping the least recently used first', () => {
    const cache = boundedLru<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
    expect(cache.size).toBe(2);
  });

  it('allocates nothing for entries it does not hold yet', () => {
    const before = process.memoryUsage().heapUsed;
    // lru-cache given `max` would allocate arrays for all of them: hundreds of MiB here.
    const caches = [1, 2, 3, 4].map(() => boundedLru<string, number>(10_000_000, { ttl: 1_000 }));
    const grewBy = process.memoryUsage().heapUsed - before;
    expect(caches).toHaveLength(4);
    expect(grewBy).toBeLessThan(4 * 1024 * 1024);
  });
});
