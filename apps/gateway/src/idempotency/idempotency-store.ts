import type { Redis } from 'ioredis';
import type { LRUCache } from 'lru-cache';
import { byteBoundedLru } from '../lru/bounded-lru';

/** The answer a POST gave, kept to be replayed to a retry with the same key. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  /** The JSON body (a problem's, for an outcome left unknown); null for none. */
  body: unknown;
}

/** What the store holds for a key: the request it was first used with, and its answer once known. */
export interface KeyRecord {
  /** A hash of the first request's method, URL, profile and body. */
  fingerprint: string;
  answer?: StoredAnswer;
}

/** The outcome of claiming a key: this request runs, or the key's record is already there. */
export type Claim = { claimed: true } | { claimed: false; record: KeyRecord };

/**
 * Where POST answers wait for retries: claim a key before running the request (one claimant at a
 * time), then store its answer, or release the key when the request failed in a way a retry may
 * fix. Claims expire after `pendingMs` (a replica that dies mid-request does not hold a key for
 * good); answers after `retentionMs`.
 */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string, pendingMs: number): Promise<Claim>;
  complete(key: string, record: KeyRecord, retentionMs: number): Promise<void>;
  release(key: string): Promise<void>;
}

/** What a record holds in memory, about: its key, fingerprint and answer as JSON (one per char). */
function recordBytes(record: KeyRecord, key: string): number {
  return key.length + record.fingerprint.length + JSON.stringify(record.answer ?? null).length;
}

/**
 * The store of a gateway without Redis: this replica's memory, bounded by keys and by the bytes
 * their answers hold, whichever is reached first, the oldest keys dropped first. By keys alone,
 * 10,000 answers of the largest titles an admin may create (the 100 credits of 200 characters,
 * and the rest) could hold about a gigabyte.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records: LRUCache<string, KeyRecord>;

  constructor(maxKeys: number, maxBytes: number) {
    this.records = byteBoundedLru(
      maxKeys,
      { maxBytes, bytesOf: recordBytes },
      { ttlAutopurge: false },
    );
  }

  /** The bytes the answers kept hold now, as they were counted. */
  get heldBytes(): number {
    return this.records.calculatedSize;
  }

  async claim(key: string, fingerprint: string, pendingMs: number): Promise<Claim> {
    const record = this.records.get(key);
    if (record) return { claimed: false, record };
    this.records.set(key, { fingerprint }, { ttl: pendingMs });
    return { claimed: true };
  }

  async complete(key: string, record: KeyRecord, retentionMs: number): Promise<void> {
    this.records.set(key, record, { ttl: retentionMs });
  }

  async release(key: string): Promise<void> {
    this.records.delete(key);
  }
}

/** The store every replica shares: one Redis key per idempotency key, set only if absent. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(key: string, fingerprint: string, pendingMs: number): Promise<Claim> {
    const name = this.prefix + key;
    const pending: KeyRecord = { fingerprint };
    // Twice: the record seen taken may expire before it is read; then the key is free again.
    for (let attempt = 0; attempt < 2; attempt++) {
      if ((await this.redis.set(name, JSON.stringify(pending), 'PX', pendingMs, 'NX')) === 'OK')
        return { claimed: true };
      const stored = await this.redis.get(name);
      if (stored !== null) return { claimed: false, record: JSON.parse(stored) as KeyRecord };
    }
    // Claimed and expired twice in a row: as good as a request still running under the key.
    return { claimed: false, record: pending };
  }

  async complete(key: string, record: KeyRecord, retentionMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(record), 'PX', retentionMs);
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
