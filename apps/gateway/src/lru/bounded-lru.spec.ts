import { boundedLru, byteBoundedLru } from './bounded-lru';

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

describe('byteBoundedLru', () => {
  const bytes = { maxBytes: 10, bytesOf: (value: string) => value.length };

  it('keeps at most its bytes, dropping the least recently used first', () => {
    const cache = byteBoundedLru<string, string>(100, bytes);
    cache.set('a', 'xxxx');
    cache.set('b', 'xxxx');
    cache.get('a');
    cache.set('c', 'xxxx');
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
    expect(cache.calculatedSize).toBe(8);
  });

  it('keeps at most its entries however small they are, and never an entry larger than its bytes', () => {
    const cache = byteBoundedLru<string, string>(2, bytes);
    cache.set('a', 'x');
    cache.set('b', 'x');
    cache.set('a', 'xx');
    expect(cache.size).toBe(2);
    cache.set('c', 'x');
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
    cache.set('d', 'x'.repeat(11));
    expect(cache.has('d')).toBe(false);
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
  });
});
