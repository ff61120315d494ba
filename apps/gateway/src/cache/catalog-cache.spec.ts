import { randomUUID } from 'node:crypto';
import { MaturityRating } from '@kinema/contracts';
import { inMemoryTracing } from '@kinema/platform/testing';
import { trace } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { jsonRepresentation } from '../http/representation';
import type { CacheScope } from './cache-scope';
import type { TitleChange } from './title-change';
import { CatalogCache } from './catalog-cache';
import { SharedTitleChanges } from './shared-title-changes';
import { aTitleSnapshot } from '../testing/title-snapshot';

const ANY: CacheScope = { kind: 'vocabulary' };

describe('CatalogCache in memory', () => {
  it('reads through once, then serves the cached value until invalidated', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.read('k', load, () => ANY)).toEqual({ n: 1 });
    expect(await cache.read('k', load, () => ANY)).toEqual({ n: 1 });
    await cache.invalidateAll();
    expect(await cache.read('k', load, () => ANY)).toEqual({ n: 2 });
  });

  it('never serves an entry past its TTL', async () => {
    let clock = 10_000;
    const cache = new CatalogCache({
      ttlMs: 1_000,
      maxEntries: 100,
      maxBytes: 1_048_576,
      now: () => clock,
    });
    let loads = 0;
    const load = async () => ++loads;
    await cache.read('k', load, () => ANY);
    clock = 10_999;
    expect(await cache.read('k', load, () => ANY)).toBe(1);
    clock = 11_001;
    expect(await cache.read('k', load, () => ANY)).toBe(2);
  });

  it('is off with a TTL of 0', async () => {
    const cache = new CatalogCache({ ttlMs: 0, maxEntries: 100, maxBytes: 1_048_576 });
    let loads = 0;
    await cache.read(
      'k',
      async () => ++loads,
      () => ANY,
    );
    await cache.read(
      'k',
      async () => ++loads,
      () => ANY,
    );
    expect(loads).toBe(2);
  });
});

describe('CatalogCache bounds', () => {
  /** Caches a page of `bytes` bytes of JSON under `key`. */
  const cachePage = (cache: CatalogCache, key: string, bytes: number) =>
    cache.representation(key, async () => ({
      representation: jsonRepresentation({ page: key, pad: 'x'.repeat(bytes) }),
      scope: ANY,
    }));
  const held = (cache: CatalogCache, keys: string[]) => keys.filter((key) => cache.peek(key));

  it("keeps pages within its bytes, counting each one's gzip before a client takes it, the least recently used going first", async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 100_000 });
    const keys = Array.from({ length: 10 }, (_, i) => `page ${i}`);
    for (const key of keys) await cachePage(cache, key, 10_000);
    // Each page holds about 10 kB of JSON and room for its gzip: four fit in 100 kB, not five.
    expect(held(cache, keys)).toEqual(['page 6', 'page 7', 'page 8', 'page 9']);
    cache.peek('page 6');
    await cachePage(cache, 'page 10', 10_000);
    expect(held(cache, keys)).toEqual(['page 6', 'page 8', 'page 9']);
  });

  it('keeps no page larger than its bytes, and at most its entries of small ones', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 3, maxBytes: 100_000 });
    await cachePage(cache, 'huge', 60_000);
    expect(cache.peek('huge')).toBeUndefined();
    const keys = Array.from({ length: 5 }, (_, i) => `small ${i}`);
    for (const key of keys) await cachePage(cache, key, 100);
    expect(held(cache, keys)).toEqual(['small 2', 'small 3', 'small 4']);
  });

  it("keeps the catalog's answers within its bytes too", async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 50_000 });
    let loads = 0;
    const read = (key: string) =>
      cache.read(
        key,
        async () => ({ key, load: ++loads, pad: 'x'.repeat(20_000) }),
        () => ANY,
      );
    await read('first');
    await read('second');
    await read('third');
    expect(loads).toBe(3);
    await read('third');
    await read('second');
    expect(loads).toBe(3);
    await read('first');
    expect(loads).toBe(4);
  });
});

const A = 'a0000000-0000-4000-8000-000000000001';
const B = 'b0000000-0000-4000-8000-000000000002';
const C = 'c0000000-0000-4000-8000-000000000003';

const visibility = (maxMaturity = MaturityRating.MATURITY_RATING_UNSPECIFIED) => ({
  maxMaturity,
  includeDrafts: false,
});

/** Representations under these scopes; which ones a change drops is what each test checks. */
const ENTRIES: Record<string, CacheScope> = {
  'title A': { kind: 'title', titleId: A },
  'title B': { kind: 'title', titleId: B },
  'a page showing A': { kind: 'titles', titleIds: [A, C], filter: { visibility: visibility() } },
  'a page of dramas without A': {
    kind: 'titles',
    titleIds: [C],
    filter: { genre: 'drama', visibility: visibility() },
  },
  'a page of comedies without A': {
    kind: 'titles',
    titleIds: [B],
    filter: { genre: 'comedy', visibility: visibility() },
  },
  'a page of 1990s films without A': {
    kind: 'titles',
    titleIds: [B],
    filter: { yearFrom: 1990, yearTo: 1999, visibility: visibility() },
  },
  'kids rows without A': {
    kind: 'titles',
    titleIds: [B, C],
    filter: { visibility: visibility(MaturityRating.MATURITY_RATING_KIDS_7), playableOnly: true },
  },
  genres: { kind: 'vocabulary' },
};

async function dropped(change: TitleChange): Promise<string[]> {
  const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
  const names = Object.keys(ENTRIES);
  for (const name of names) {
    await cache.representation(name, async () => ({
      representation: jsonRepresentation({ name }),
      scope: ENTRIES[name] as CacheScope,
    }));
  }
  await cache.invalidate(change);
  return names.filter((name) => cache.peek(name) === undefined);
}

describe('CatalogCache invalidation by scope', () => {
  it("drops a title's own answer and the lists that show it or that it now belongs in, only", async () => {
    expect(await dropped({ titleId: A, now: aTitleSnapshot(A) })).toEqual([
      'title A',
      'a page showing A',
      'a page of dramas without A',
    ]);
  });

  it('drops a list a title enters by its new genre, year or rating', async () => {
    expect(
      await dropped({
        titleId: A,
        now: aTitleSnapshot(A, { genres: ['comedy'], releaseYear: 1995, maturityRating: 2 }),
      }),
    ).toEqual([
      'title A',
      'a page showing A',
      'a page of comedies without A',
      'a page of 1990s films without A',
      'kids rows without A',
    ]);
  });

  it('keeps rows a title cannot enter: a draft, or one without a video', async () => {
    expect(
      await dropped({ titleId: A, now: aTitleSnapshot(A, { maturityRating: 1, playable: false }) }),
    ).not.toContain('kids rows without A');
    expect(
      await dropped({
        titleId: A,
        now: aTitleSnapshot(A, { maturityRating: 1, availability: 'draft' }),
      }),
    ).toEqual(['title A', 'a page showing A']);
  });

  it('drops what showed a deleted title, and no list it is not in', async () => {
    expect(await dropped({ titleId: A })).toEqual(['title A', 'a page showing A']);
  });

  it('drops everything for a change it does not know', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    await cache.representation('genres', async () => ({
      representation: jsonRepresentation({}),
      scope: { kind: 'vocabulary' },
    }));
    await cache.invalidate(undefined);
    expect(cache.peek('genres')).toBeUndefined();
  });
});

const redisUrl = process.env['REDIS_URL'];
(redisUrl ? describe : describe.skip)('CatalogCache on Redis (REDIS_URL)', () => {
  let a: Redis;
  let b: Redis;
  const redisPrefix = `test:${randomUUID()}:catalog-cache:`;
  beforeEach(() => {
    a = new Redis(redisUrl ?? '');
    b = new Redis(redisUrl ?? '');
  });
  afterEach(() => {
    a.disconnect();
    b.disconnect();
  });

  it('is shared by two gateways, and one invalidation reaches both', async () => {
    const first = new CatalogCache({
      ttlMs: 60_000,
      maxEntries: 100,
      maxBytes: 1_048_576,
      redis: a,
      redisPrefix,
    });
    const second = new CatalogCache({
      ttlMs: 60_000,
      maxEntries: 100,
      maxBytes: 1_048_576,
      redis: b,
      redisPrefix,
    });
    await first.read(
      'k',
      async () => 'from first',
      () => ANY,
    );
    expect(
      await second.read(
        'k',
        async () => 'from second',
        () => ANY,
      ),
    ).toBe('from first');
    await first.invalidateAll();
    expect(
      await second.read(
        'k',
        async () => 'from second',
        () => ANY,
      ),
    ).toBe('from second');
  });

  it("does not keep what it built from the shared store while a change from the invalidation thread waited for the feed's delivery", async () => {
    const cache = new CatalogCache({
      ttlMs: 60_000,
      maxEntries: 100,
      maxBytes: 1_048_576,
      redis: a,
      redisPrefix,
    });
    const arriving = new SharedTitleChanges();
    cache.receiveFrom(arriving);
    const thread = new SharedTitleChanges(arriving.buffer);
    // A page composed from a cached gRPC answer, as the controllers compose theirs.
    const page = (name: string) =>
      cache.representation('a page showing A', async () => {
        const title = await cache.read(
          'title A',
          async () => name,
          () => ENTRIES['title A'] as CacheScope,
        );
        return {
          representation: jsonRepresentation({ name: title }),
          scope: ENTRIES['a page showing A'] as CacheScope,
        };
      });
    await page('before the change');
    // The thread applies the change at once; the shared generation moves on only when the feed
    // delivers the same event, and a page built in between reads the old generation's answer.
    thread.publish('event-1', { titleId: A, now: aTitleSnapshot(A) });
    await page('after the change');
    await cache.invalidate({ titleId: A, now: aTitleSnapshot(A) }, 'event-1');
    expect((await page('after the change')).body.toString()).toContain('after the change');
  });

  it('moves on once per event, however many replicas receive it', async () => {
    const replicas = [a, b].map(
      (redis) =>
        new CatalogCache({
          ttlMs: 60_000,
          maxEntries: 100,
          maxBytes: 1_048_576,
          redis,
          redisPrefix,
        }),
    );
    const before = Number((await a.get(`${redisPrefix}generation`)) ?? 0);
    const event = randomUUID();
    await Promise.all(replicas.map((cache) => cache.invalidate({ titleId: A }, event)));
    await Promise.all(replicas.map((cache) => cache.invalidate({ titleId: A }, event)));
    expect(Number(await a.get(`${redisPrefix}generation`))).toBe(before + 1);
    await replicas[0]?.invalidate({ titleId: A }, randomUUID());
    expect(Number(await a.get(`${redisPrefix}generation`))).toBe(before + 2);
  });
});

describe('CatalogCache and loads a change overtook', () => {
  it('does not keep what a load read before a change that concerns it', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    let release: () => void = () => undefined;
    const slow = cache.representation('title A', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return {
        representation: jsonRepresentation({ name: 'old' }),
        scope: ENTRIES['title A'] as CacheScope,
      };
    });
    await cache.invalidate({ titleId: A, now: aTitleSnapshot(A) });
    release();
    expect((await slow).body.toString()).toContain('old');
    expect(cache.peek('title A')).toBeUndefined();
  });

  it('keeps it when the change concerns other entries only', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    let release: () => void = () => undefined;
    const slow = cache.read(
      'title B',
      async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return 'B';
      },
      () => ENTRIES['title B'] as CacheScope,
    );
    await cache.invalidate({ titleId: A, now: aTitleSnapshot(A) });
    release();
    await slow;
    expect(
      await cache.read(
        'title B',
        async () => 'reloaded',
        () => ENTRIES['title B'] as CacheScope,
      ),
    ).toBe('B');
  });
});

describe('CatalogCache and a burst of misses', () => {
  /** A load of `name` that answers when the test releases it, counted in `loads`. */
  function slowLoads() {
    const releases: (() => void)[] = [];
    const loads: string[] = [];
    const load = (name: string) => async () => {
      const number = loads.push(name);
      await new Promise<void>((resolve) => releases.push(resolve));
      return {
        representation: jsonRepresentation({ name, load: number }),
        scope: ENTRIES['title A'] as CacheScope,
      };
    };
    return { releases, loads, load };
  }

  it('loads a missing representation once for the requests that find it missing meanwhile', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    const { releases, loads, load } = slowLoads();
    const burst = [1, 2, 3].map(() => cache.representation('title A', load('title A')));
    const other = cache.representation('genres', load('genres'));
    expect(loads).toEqual(['title A', 'genres']);
    releases.forEach((release) => release());
    const bodies = (await Promise.all(burst)).map((answer) => answer.body.toString());
    expect(new Set(bodies).size).toBe(1);
    expect((await other).body.toString()).toContain('genres');
    expect(cache.peek('title A')?.body.toString()).toBe(bodies[0]);
  });

  it('reads a missing gRPC answer once for the callers that miss it meanwhile, each given an object of its own', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    const releases: (() => void)[] = [];
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise<void>((resolve) => releases.push(resolve));
      return { title: { name: 'Night Harbour', updateTime: new Date('2026-11-29T00:00:00Z') } };
    };
    const burst = [1, 2, 3].map(() => cache.read('getTitle A', load, () => ANY));
    // The in-memory store answers without I/O: once this turn's promises have run, every read
    // has found the entry missing and the first is loading.
    await new Promise(setImmediate);
    expect(loads).toBe(1);
    releases.forEach((release) => release());
    const answers = await Promise.all(burst);
    expect(new Set(answers).size).toBe(3);
    for (const answer of answers) {
      expect(answer).toEqual({
        title: { name: 'Night Harbour', updateTime: new Date('2026-11-29T00:00:00Z') },
      });
    }
    // What one caller does to its answer reaches no other, nor the cache.
    (answers[0] as { title: { name: string } }).title.name = 'changed';
    expect(answers[1]?.title.name).toBe('Night Harbour');
    expect((await cache.read('getTitle A', load, () => ANY)).title.name).toBe('Night Harbour');
    expect(loads).toBe(1);
  });

  it('does not give a read after a change a load that began before it', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    const releases: (() => void)[] = [];
    let loads = 0;
    const load = async () => {
      const number = ++loads;
      await new Promise<void>((resolve) => releases.push(resolve));
      return { load: number };
    };
    const scope = () => ENTRIES['title A'] as CacheScope;
    const before = cache.read('getTitle A', load, scope);
    await new Promise(setImmediate);
    await cache.invalidate({ titleId: A, now: aTitleSnapshot(A) });
    const after = cache.read('getTitle A', load, scope);
    await new Promise(setImmediate);
    expect(loads).toBe(2);
    releases.forEach((release) => release());
    expect(await before).toEqual({ load: 1 });
    expect(await after).toEqual({ load: 2 });
  });

  describe('in a trace', () => {
    const tracing = inMemoryTracing();
    beforeAll(() => tracing.start());
    afterAll(() => tracing.stop());

    it("marks the span of a request that waited for another's load, which alone has a load span", async () => {
      const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
      const { releases, load } = slowLoads();
      // Each request as the gateway handles it: its server span active while it reads.
      const request = (name: string) =>
        trace
          .getTracer('test')
          .startActiveSpan(name, (span) =>
            cache.representation('title A', load('title A')).finally(() => span.end()),
          );
      const both = Promise.all([request('first'), request('second')]);
      releases.forEach((release) => release());
      await both;
      const ended = tracing.spans.getFinishedSpans();
      const span = (name: string) => ended.find((each) => each.name === name);
      expect(span('first')?.attributes['kinema.cache.joined']).toBeUndefined();
      expect(span('second')?.attributes['kinema.cache.joined']).toBe(true);
      const loads = ended.filter((each) => each.name === 'catalog cache load');
      expect(loads.map((each) => each.parentSpanContext?.spanId)).toEqual([
        span('first')?.spanContext().spanId,
      ]);
    });

    it("marks the cache read span of a read that waited for another's call", async () => {
      const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
      const releases: (() => void)[] = [];
      const load = async () => {
        await new Promise<void>((resolve) => releases.push(resolve));
        return { name: 'Night Harbour' };
      };
      tracing.spans.reset();
      const both = Promise.all([1, 2].map(() => cache.read('getTitle A', load, () => ANY)));
      // The in-memory store answers without I/O: after this turn both reads have missed.
      await new Promise(setImmediate);
      releases.forEach((release) => release());
      await both;
      const reads = tracing.spans
        .getFinishedSpans()
        .filter((each) => each.name === 'catalog cache read');
      expect(reads.map((each) => each.attributes['kinema.cache.joined'])).toEqual([
        undefined,
        true,
      ]);
    });
  });

  it('shares no load when the cache is off', async () => {
    const cache = new CatalogCache({ ttlMs: 0, maxEntries: 100, maxBytes: 1_048_576 });
    const { releases, loads, load } = slowLoads();
    const both = [1, 2].map(() => cache.representation('title A', load('title A')));
    expect(loads).toHaveLength(2);
    releases.forEach((release) => release());
    await Promise.all(both);
  });

  it('does not give a request after a change a load that began before it', async () => {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    const { releases, loads, load } = slowLoads();
    const before = cache.representation('title A', load('title A'));
    await cache.invalidate({ titleId: A, now: aTitleSnapshot(A) });
    const after = cache.representation('title A', load('title A'));
    expect(loads).toHaveLength(2);
    releases.forEach((release) => release());
    expect((await before).body.toString()).toContain('"load":1');
    expect((await after).body.toString()).toContain('"load":2');
    // Only the load that began after the change is kept.
    expect(cache.peek('title A')?.body.toString()).toContain('"load":2');
  });
});

describe('CatalogCache and changes arriving from the invalidation thread', () => {
  async function filled(): Promise<{ cache: CatalogCache; thread: SharedTitleChanges }> {
    const cache = new CatalogCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1_048_576 });
    const arriving = new SharedTitleChanges();
    cache.receiveFrom(arriving);
    for (const name of Object.keys(ENTRIES)) {
      await cache.representation(name, async () => ({
        representation: jsonRepresentation({ name }),
        scope: ENTRIES[name] as CacheScope,
      }));
    }
    // The thread's side of the same memory.
    return { cache, thread: new SharedTitleChanges(arriving.buffer) };
  }

  it('drops what an arrived change affects at the next lookup, with no turn of the event loop', async () => {
    const { cache, thread } = await filled();
    thread.publish('event-1', { titleId: A, now: aTitleSnapshot(A) });
    expect(cache.peek('title A')).toBeUndefined();
    expect(cache.peek('a page showing A')).toBeUndefined();
    expect(cache.peek('title B')).toBeDefined();
  });

  it('drops nothing more when the same event comes through the feed afterwards', async () => {
    const { cache, thread } = await filled();
    thread.publish('event-1', { titleId: A, now: aTitleSnapshot(A) });
    expect(cache.peek('title A')).toBeUndefined();
    await cache.representation('title A', async () => ({
      representation: jsonRepresentation({ name: 'new' }),
      scope: ENTRIES['title A'] as CacheScope,
    }));
    await cache.invalidate({ titleId: A, now: aTitleSnapshot(A) }, 'event-1');
    expect(cache.peek('title A')?.body.toString()).toContain('new');
  });

  it('forgets everything when more changes went by than the shared buffer holds', async () => {
    const { cache, thread } = await filled();
    for (let index = 0; index < 100; index++) thread.publish(`event-${index}`, { titleId: B });
    expect(cache.peek('genres')).toBeUndefined();
  });

  it('does not keep a load that an arrived change overtook', async () => {
    const { cache, thread } = await filled();
    let release: () => void = () => undefined;
    const slow = cache.representation('a fresh page showing A', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return {
        representation: jsonRepresentation({}),
        scope: ENTRIES['a page showing A'] as CacheScope,
      };
    });
    thread.publish('event-1', { titleId: A });
    release();
    await slow;
    expect(cache.peek('a fresh page showing A')).toBeUndefined();
  });
});
