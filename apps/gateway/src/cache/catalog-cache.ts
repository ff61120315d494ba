import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import {
  decodeRepresentation,
  encodeRepresentation,
  type Representation,
} from '../http/representation';

const lookups = new Counter({
  name: 'gateway_catalog_cache_lookups_total',
  help: 'Catalog read cache lookups, by result.',
  labelNames: ['result'] as const,
});

/** Where cached catalog reads live: this process, or Redis shared by every gateway replica. */
interface CacheStore {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlMs: number): Promise<void>;
  /** A number that changes whenever everything cached so far must be forgotten. */
  generation(): Promise<string>;
  bumpGeneration(): Promise<void>;
}

class MemoryStore implements CacheStore {
  private readonly entries: LRUCache<string, Buffer>;
  private gen = 0;

  constructor(maxEntries: number, ttlMs: number, now?: () => number) {
    this.entries = new LRUCache<string, Buffer>({
      max: maxEntries,
      // Setting a default TTL is what turns on lru-cache's per-entry expiry tracking.
      ttl: Math.max(1, ttlMs),
      ttlAutopurge: false,
      // An injected clock is read on every lookup (no cached 'now').
      ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
    });
  }
  async get(key: string) {
    return this.entries.get(key);
  }
  async set(key: string, value: Buffer, ttlMs: number) {
    this.entries.set(key, value, { ttl: ttlMs });
  }
  async generation() {
    return String(this.gen);
  }
  async bumpGeneration() {
    this.gen++;
    this.entries.clear();
  }
}

const GENERATION_KEY = 'kinema:gateway:catalog-cache:generation';

class RedisStore implements CacheStore {
  constructor(private readonly redis: Redis) {}
  async get(key: string) {
    return (await this.redis.getBuffer(`kinema:gateway:catalog-cache:${key}`)) ?? undefined;
  }
  async set(key: string, value: Buffer, ttlMs: number) {
    await this.redis.set(`kinema:gateway:catalog-cache:${key}`, value, 'PX', ttlMs);
  }
  async generation() {
    return (await this.redis.get(GENERATION_KEY)) ?? '0';
  }
  async bumpGeneration() {
    // Old entries become unreachable (their keys carry the old generation) and expire by TTL.
    await this.redis.incr(GENERATION_KEY);
  }
}

/** Catalog messages carry Date timestamps (`createTime`, `updateTime`, ...), which JSON turns into strings. */
function reviveTimestamps(key: string, value: unknown): unknown {
  return key.endsWith('Time') && typeof value === 'string' ? new Date(value) : value;
}

export interface CatalogCacheOptions {
  /** 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  redis?: Redis;
  /** Clock of the in-memory store, in milliseconds; tests pass their own. */
  now?: () => number;
}

/**
 * Caches catalog reads as JSON. Every catalog event bumps a generation that is part of each key,
 * so a change is invisible to no one for longer than the event takes to arrive, and an entry
 * never outlives its TTL even if an event is missed. Failures of the store fall back to reading
 * through: the cache may be slow or away, never wrong.
 */
export class CatalogCache {
  private readonly store: CacheStore;

  constructor(private readonly options: CatalogCacheOptions) {
    this.store = options.redis
      ? new RedisStore(options.redis)
      : new MemoryStore(options.maxEntries, options.ttlMs, options.now);
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** A gRPC answer, kept as JSON (for callers that map it further: My List, playback). */
  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.through(
      key,
      load,
      (value) => Buffer.from(JSON.stringify(value)),
      (stored) => JSON.parse(stored.toString('utf8'), reviveTimestamps) as T,
    );
  }

  /** What an endpoint sends, kept as bytes: a hit goes out as it is (see Representation). */
  representation(key: string, load: () => Promise<Representation>): Promise<Representation> {
    return this.through(`representation:${key}`, load, encodeRepresentation, decodeRepresentation);
  }

  private async through<T>(
    key: string,
    load: () => Promise<T>,
    encode: (value: T) => Buffer,
    decode: (stored: Buffer) => T,
  ): Promise<T> {
    if (!this.enabled) return load();
    let fullKey: string | undefined;
    try {
      fullKey = `${await this.store.generation()}:${key}`;
      const hit = await this.store.get(fullKey);
      if (hit !== undefined) {
        lookups.inc({ result: 'hit' });
        return decode(hit);
      }
    } catch {
      lookups.inc({ result: 'error' });
      return load();
    }
    lookups.inc({ result: 'miss' });
    const value = await load();
    await this.store.set(fullKey, encode(value), this.options.ttlMs).catch(() => undefined);
    return value;
  }

  async invalidateAll(): Promise<void> {
    await this.store.bumpGeneration();
  }

  /** Closes the Redis connection, if there is one. */
  async close(): Promise<void> {
    await this.options.redis?.quit().catch(() => undefined);
  }
}
