import { annotateActiveSpan } from '@kinema/platform/telemetry';
import { trace, type Span } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { LRUCache } from 'lru-cache';
import { byteBoundedLru } from '../lru/bounded-lru';
import { InFlight } from '../lru/in-flight';
import { Counter } from 'prom-client';
import { heldBytes, ownUtf8, type Representation } from '../http/representation';
import { affects, type CacheScope } from './cache-scope';
import type { TitleChange } from './title-change';
import { ChangeLog } from './change-log';
import type { SharedTitleChanges } from './shared-title-changes';

const lookups = new Counter({
  name: 'gateway_catalog_cache_lookups_total',
  help: 'Catalog read cache lookups, by result.',
  labelNames: ['result'] as const,
});

const invalidated = new Counter({
  name: 'gateway_catalog_cache_invalidated_total',
  help: 'Catalog cache entries dropped because a title they can show changed.',
});

/** The cache's own spans: whether a read was a hit, and what a change dropped. */
const CACHE_TRACER = trace.getTracer('@kinema/gateway/cache');

/** Runs `fn` in a span of the cache's and ends it however `fn` ends. */
function inCacheSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return CACHE_TRACER.startActiveSpan(name, (span) => fn(span).finally(() => span.end()));
}

/** Where cached gRPC answers live: this process, or Redis shared by every gateway replica. */
interface CacheStore {
  /** Shared with other replicas (Redis): a change reaches it only through invalidate(). */
  readonly shared: boolean;
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, scope: CacheScope, ttlMs: number): Promise<void>;
  /** A number that changes whenever everything cached so far must be forgotten. */
  generation(): Promise<string>;
  /** Forgets at once what this process holds that a change can affect; returns how many entries. */
  forget(change: TitleChange | undefined): number;
  /** Forgets what is shared with other replicas; `eventId` makes repeated deliveries of one event count once. */
  invalidate(change: TitleChange | undefined, eventId: string | undefined): Promise<void>;
}

/** An LRU whose entries know what they show, so a title's change drops only what it affects. */
class ScopedEntries<V extends object> {
  private readonly entries: LRUCache<string, { value: V; scope: CacheScope }>;

  constructor(
    bound: { maxEntries: number; maxBytes: number },
    bytesOf: (value: V) => number,
    ttlMs: number,
    now?: () => number,
  ) {
    this.entries = byteBoundedLru(
      bound.maxEntries,
      // The key is held too: a page's key is its query.
      { maxBytes: bound.maxBytes, bytesOf: ({ value }, key) => bytesOf(value) + key.length },
      {
        // Setting a default TTL is what turns on lru-cache's per-entry expiry tracking.
        ttl: Math.max(1, ttlMs),
        ttlAutopurge: false,
        // An injected clock is read on every lookup (no cached 'now').
        ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
      },
    );
  }
  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }
  set(key: string, value: V, scope: CacheScope): void {
    this.entries.set(key, { value, scope });
  }
  /** Drops every entry the change can affect (everything without a change); returns how many. */
  drop(change: TitleChange | undefined): number {
    if (!change) {
      const size = this.entries.size;
      this.entries.clear();
      return size;
    }
    let dropped = 0;
    for (const [key, entry] of this.entries.entries()) {
      if (affects(entry.scope, change)) {
        this.entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }
}

class MemoryStore implements CacheStore {
  readonly shared = false;
  constructor(private readonly entries: ScopedEntries<Buffer>) {}
  async get(key: string) {
    return this.entries.get(key);
  }
  async set(key: string, value: Buffer, scope: CacheScope) {
    this.entries.set(key, value, scope);
  }
  async generation() {
    return '0';
  }
  forget(change: TitleChange | undefined) {
    return this.entries.drop(change);
  }
  async invalidate() {
    // Nothing shared: forget() dropped it all.
  }
}

/** How long Redis remembers that an event has already moved the shared generation on. */
const EVENT_MEMORY_MS = 10 * 60_000;

/**
 * Moves the generation on once per event, however many replicas receive it: the first replica
 * to mark the event id does it, in one round trip.
 */
const BUMP_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
  return redis.call('INCR', KEYS[1])
end
return 0`;

class RedisStore implements CacheStore {
  readonly shared = true;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  async get(key: string) {
    return (await this.redis.getBuffer(`${this.prefix}${key}`)) ?? undefined;
  }
  async set(key: string, value: Buffer, _scope: CacheScope, ttlMs: number) {
    await this.redis.set(`${this.prefix}${key}`, value, 'PX', ttlMs);
  }
  async generation() {
    return (await this.redis.get(`${this.prefix}generation`)) ?? '0';
  }
  forget() {
    return 0;
  }
  async invalidate(_change: TitleChange | undefined, eventId: string | undefined) {
    // Shared entries are forgotten together (their keys carry the old generation and expire by
    // TTL): dropping by scope would need an index of every entry in Redis. Each replica's own
    // representations (what most reads are served from) are dropped precisely.
    if (eventId === undefined) await this.redis.incr(`${this.prefix}generation`);
    else
      await this.redis.eval(
        BUMP_ONCE,
        2,
        `${this.prefix}generation`,
        `${this.prefix}event:${eventId}`,
        String(EVENT_MEMORY_MS),
      );
  }
}

/** Catalog messages carry Date timestamps (`createTime`, `updateTime`, ...), which JSON turns into strings. */
function reviveTimestamps(key: string, value: unknown): unknown {
  return key.endsWith('Time') && typeof value === 'string' ? new Date(value) : value;
}

export interface CatalogCacheOptions {
  /** 0 turns the cache off. */
  ttlMs: number;
  /** Bounds of this process's representations, and again of its gRPC answers held in memory. */
  maxEntries: number;
  maxBytes: number;
  redis?: Redis;
  /** Prefix of the shared cache's Redis keys (systems sharing one Redis keep apart by it). */
  redisPrefix?: string;
  /** Clock of the in-memory store, in milliseconds; tests pass their own. */
  now?: () => number;
}

/** How many event ids applied from another thread are remembered, so their second delivery is skipped. */
const ARRIVED_EVENTS_REMEMBERED = 1_024;

/** A representation with what it shows. */
export interface ScopedRepresentation {
  representation: Representation;
  scope: CacheScope;
}

/**
 * Caches catalog reads. Each entry knows what it shows (its scope); a title's event drops the
 * entries that can show that title (its own answers, the lists and rows it is in or may now
 * enter), so a change is invisible to no one for longer than the event takes to arrive, and an
 * entry never outlives its TTL even if an event is missed. Representations (what an endpoint
 * sends) live in this process, where a hit costs a map lookup; gRPC answers for callers that map
 * them further live here or in Redis shared by every replica. Failures of the store fall back to
 * reading through: the cache may be slow or away, never wrong.
 */
export class CatalogCache {
  private readonly store: CacheStore;
  private readonly representations: ScopedEntries<Representation>;
  private readonly changes = new ChangeLog();
  /** Representations loading now, by the change log's epoch when each began and their key. */
  private readonly loading = new InFlight<string, Representation>();
  /** gRPC answers loading now, keyed as `loading` is, with the JSON a joiner reads its copy from. */
  private readonly reading = new InFlight<string, { value: unknown; json: string }>();
  private readonly listeners: Array<(change: TitleChange | undefined) => void> = [];
  private arriving: SharedTitleChanges | undefined;
  /** Events whose change was applied as it arrived from another thread (see receiveFrom). */
  private readonly arrivedEvents = new Set<string>();

  constructor(private readonly options: CatalogCacheOptions) {
    this.representations = new ScopedEntries(options, heldBytes, options.ttlMs, options.now);
    this.store = options.redis
      ? new RedisStore(options.redis, options.redisPrefix ?? 'kinema:gateway:catalog-cache:')
      : new MemoryStore(
          new ScopedEntries(options, (json: Buffer) => json.length, options.ttlMs, options.now),
        );
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** A gRPC answer, kept as JSON (for callers that map it further: My List, playback). */
  async read<T>(
    key: string,
    load: () => Promise<T>,
    scopeOf: (value: T) => CacheScope,
  ): Promise<T> {
    if (!this.enabled) return load();
    return inCacheSpan('catalog cache read', (span) => this.readThrough(key, load, scopeOf, span));
  }

  private async readThrough<T>(
    key: string,
    load: () => Promise<T>,
    scopeOf: (value: T) => CacheScope,
    span: Span,
  ): Promise<T> {
    span.setAttribute('kinema.cache.store', this.options.redis ? 'redis' : 'memory');
    this.applyArrived();
    const epoch = this.changes.epoch;
    let fullKey: string | undefined;
    try {
      fullKey = `${await this.store.generation()}:${key}`;
      const hit = await this.store.get(fullKey);
      if (hit !== undefined) {
        lookups.inc({ result: 'hit' });
        span.setAttribute('kinema.cache.result', 'hit');
        return JSON.parse(hit.toString('utf8'), reviveTimestamps) as T;
      }
    } catch {
      lookups.inc({ result: 'error' });
      span.setAttribute('kinema.cache.result', 'error');
      return load();
    }
    lookups.inc({ result: 'miss' });
    span.setAttribute('kinema.cache.result', 'miss');
    // A miss while the same answer is loading waits for that load, as representation() does. The
    // loader returns its own object; each joiner parses a copy of its JSON, as a hit would, so no
    // two callers share an object one of them may change.
    const reading = `${epoch} ${fullKey}`;
    const joined = this.reading.has(reading);
    const loaded = await this.reading.run(reading, async () => {
      const value = await load();
      const json = JSON.stringify(value);
      const scope = scopeOf(value);
      this.applyArrived();
      if (!this.changes.overtook(scope, epoch)) {
        await this.store
          .set(fullKey, ownUtf8(json), scope, this.options.ttlMs)
          .catch(() => undefined);
      }
      return { value, json };
    });
    if (!joined) return loaded.value as T;
    span.setAttribute('kinema.cache.joined', true);
    return JSON.parse(loaded.json, reviveTimestamps) as T;
  }

  /** What an endpoint sends, kept as bytes: a hit goes out as it is (see Representation). */
  async representation(
    key: string,
    load: () => Promise<ScopedRepresentation>,
  ): Promise<Representation> {
    const hit = this.peek(key);
    if (hit) return hit;
    // A miss while the same representation is loading waits for that load, unless a change was
    // recorded since it began (which the load may not show): a page whose entry expired or was
    // dropped is loaded once for the burst of requests that find it missing, not once each.
    const epoch = this.changes.epoch;
    const loadHere = () =>
      inCacheSpan('catalog cache load', async (span) => {
        const loaded = await load();
        this.applyArrived();
        const kept = this.enabled && !this.changes.overtook(loaded.scope, epoch);
        if (kept) this.representations.set(key, loaded.representation, loaded.scope);
        // Not kept: a change that can affect it arrived while it loaded (or the cache is off).
        span.setAttribute('kinema.cache.kept', kept);
        return loaded.representation;
      });
    // With the cache off every request loads its own: nothing is shared, not even a load.
    if (!this.enabled) return loadHere();
    const loading = `${epoch} ${key}`;
    if (this.loading.has(loading)) annotateActiveSpan('kinema.cache.joined', true);
    return this.loading.run(loading, loadHere);
  }

  /** The cached representation under a key, without loading: what the hot path serves. */
  peek(key: string): Representation | undefined {
    if (!this.enabled) return undefined;
    this.applyArrived();
    const hit = this.representations.get(key);
    lookups.inc({ result: hit ? 'hit' : 'miss' });
    // On the request's own span: a span per lookup would cost the hot path more than the lookup.
    annotateActiveSpan('kinema.cache.result', hit ? 'hit' : 'miss');
    return hit;
  }

  /**
   * Forgets what a title's change can affect, or everything when the change is not known.
   * `eventId` names the event that reported it, so a shared cache moves on once per event.
   */
  async invalidate(change: TitleChange | undefined, eventId?: string): Promise<void> {
    this.applyArrived();
    await inCacheSpan('catalog cache invalidate', async (span) => {
      // Applied already as it arrived from the feed's thread: only a shared store is left to tell.
      const arrived = eventId !== undefined && this.arrivedEvents.has(eventId);
      if (!arrived) span.setAttribute('kinema.cache.dropped', this.forget(change));
      span.setAttributes({
        'kinema.cache.arrived-before': arrived,
        ...(change ? {} : { 'kinema.cache.everything': true }),
      });
      await this.store.invalidate(change, eventId);
      // A shared store moves on to a new generation only now. What this process built from it
      // since the change was forgotten here (as it arrived from the feed's thread, which may be
      // long before this delivery) may show the title as it was, read from the old generation:
      // forgotten again, and a load still in flight is not kept.
      if (this.store.shared) this.forget(change);
    });
  }

  /**
   * Takes changes from another thread that reads the event feed as well (the gateway's
   * invalidation thread): every lookup first applies what has arrived, synchronously, so a change
   * is not served stale for as long as this thread's event loop is busy. The same events still
   * come through invalidate(), which then only tells a shared store.
   */
  receiveFrom(changes: SharedTitleChanges): void {
    this.arriving = changes;
  }

  /** Applies the changes arrived from the feed's thread since the last lookup. */
  private applyArrived(): void {
    const arrived = this.arriving?.take();
    if (arrived === undefined || arrived.length === 0) return;
    if (arrived === 'overflow') {
      // More changes than the buffer holds went by unread: what they changed is not known.
      this.forget(undefined);
      return;
    }
    for (const { eventId, change } of arrived) {
      this.arrivedEvents.add(eventId);
      if (this.arrivedEvents.size > ARRIVED_EVENTS_REMEMBERED)
        this.arrivedEvents.delete(this.arrivedEvents.values().next().value as string);
      this.forget(change);
    }
  }

  /** Forgets at once what this process holds that a change can affect; returns how many entries. */
  private forget(change: TitleChange | undefined): number {
    this.changes.record(change);
    for (const listener of this.listeners) listener(change);
    const dropped = this.representations.drop(change) + this.store.forget(change);
    invalidated.inc(dropped);
    return dropped;
  }

  /** Tells `listener` of every change this cache is told of: for caches of other things that show titles. */
  onChange(listener: (change: TitleChange | undefined) => void): void {
    this.listeners.push(listener);
  }

  async invalidateAll(): Promise<void> {
    await this.invalidate(undefined);
  }

  /** Closes the Redis connection, if there is one. */
  async close(): Promise<void> {
    await this.options.redis?.quit().catch(() => undefined);
  }
}
