import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import type { CountsNow, Increment } from './request-budget';

/** How often a replica's counts reach Redis (and the others' come back) when no batch fills. */
export const LIMITER_SYNC_INTERVAL_MS = 100;
/** The share of a limit one replica may count before it must reconcile with Redis. */
export const LIMITER_BATCH_SHARE = 0.05;

/** A caller's count in the current fixed window, as this replica knows it. */
interface Count {
  window: number;
  windowEndsAt: number;
  ttl: number;
  /** The shared count in Redis as of this replica's last reconcile (its own flushed hits included). */
  known: number;
  /** Hits this replica counted since (not yet in Redis). */
  pending: number;
  /** Hits being written now. */
  flushing: number;
  batch: number;
  blockedUntil: number;
  /** Resolves when the write in flight is done. */
  inFlight?: Promise<void>;
}

/**
 * The limiter's shared state in Redis without a Redis round trip per request. Each replica counts
 * locally and reconciles with Redis in batches: every LIMITER_SYNC_INTERVAL_MS, or as soon as
 * it has counted LIMITER_BATCH_SHARE of a caller's limit; a write returns the shared count, which
 * then includes every replica's reconciled hits. A request waits for Redis only when its replica
 * already holds a full batch unreconciled (a caller spending 5% of its budget in 100 ms).
 *
 * The error is bounded and one-sided. A caller is never refused before it has spent its limit
 * (what a replica knows of the others' hits never exceeds what they made). It can be admitted
 * beyond it by at most (replicas − 1) × batch per window, batch = ⌈limit × 5%⌉: each other
 * replica's hits since its last reconcile. With one replica the count is exact. The test in
 * batched-redis-storage.integration-spec.ts checks this bound with two replicas.
 *
 * Windows are fixed (the count of `ttl` ms starting at a multiple of `ttl`), as in
 * @nest-lab/throttler-storage-redis, which this replaces because it makes a round trip per
 * request. If Redis is away, each replica limits alone and retries the writes.
 */
export class BatchedRedisStorage implements ThrottlerStorage, CountsNow, OnApplicationShutdown {
  private readonly counts = new Map<string, Count>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly options: {
      /** The limits counted in batches; the others reconcile before every answer (exact). */
      batched: (throttlerName: string) => boolean;
      onError?: (error: unknown) => void;
      now?: () => number;
      syncIntervalMs?: number;
    },
  ) {
    this.timer = setInterval(
      () => void this.syncAll(),
      options.syncIntervalMs ?? LIMITER_SYNC_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<Increment> {
    const counted = this.incrementNow(key, ttl, limit, blockDuration, throttlerName);
    if (counted) return counted;
    let now = this.now();
    let count = this.countOf(key, ttl, limit, now);
    if (!this.options.batched(throttlerName)) return this.exact(key, count, limit, blockDuration);
    // A full batch not yet in Redis: this request waits for it (the bound on the error).
    while (count.pending + count.flushing >= count.batch && count.inFlight) {
      await count.inFlight;
      now = this.now();
      count = this.countOf(key, ttl, limit, now);
    }
    return this.counted(key, count, limit, blockDuration, now);
  }

  /**
   * As increment when it needs no wait for Redis (CountsNow): a batched limit whose caller holds
   * less than a full batch unreconciled, or a caller blocked already. Undefined otherwise, having
   * counted nothing.
   */
  incrementNow(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Increment | undefined {
    const now = this.now();
    const count = this.countOf(key, ttl, limit, now);
    if (count.blockedUntil > now) return this.answer(count, now, true);
    if (!this.options.batched(throttlerName)) return undefined;
    if (count.pending + count.flushing >= count.batch && count.inFlight) return undefined;
    return this.counted(key, count, limit, blockDuration, now);
  }

  /** Counts one hit of a batched limit, which may start a reconcile; blocks past the limit. */
  private counted(
    key: string,
    count: Count,
    limit: number,
    blockDuration: number,
    now: number,
  ): Increment {
    const total = count.known + count.pending + count.flushing + 1;
    if (total > limit) {
      count.blockedUntil = now + Math.max(blockDuration, 1);
      return this.answer(count, now, true);
    }
    count.pending++;
    if (count.pending >= count.batch) void this.sync(key, count);
    return this.answer(count, now, false);
  }

  /**
   * A hit counted in Redis before the answer (sign-in limits: few requests, where a shared exact
   * count matters more than a round trip). Redis away: counted here alone, as the batches are.
   */
  private async exact(key: string, count: Count, limit: number, blockDuration: number) {
    count.pending++;
    while (count.pending > 0) {
      const before = count.pending;
      await this.sync(key, count);
      if (count.pending >= before) break;
    }
    const now = this.now();
    const isBlocked = count.known + count.pending + count.flushing > limit;
    if (isBlocked) count.blockedUntil = now + Math.max(blockDuration, 1);
    return this.answer(count, now, isBlocked);
  }

  /** Writes every caller's unreconciled hits (tests call it to reconcile at once). */
  async syncAll(): Promise<void> {
    const now = this.now();
    const writes: Promise<void>[] = [];
    for (const [key, count] of this.counts) {
      if (count.pending > 0) writes.push(this.sync(key, count));
      else if (count.windowEndsAt <= now && count.blockedUntil <= now && !count.inFlight) {
        this.counts.delete(key);
      }
    }
    await Promise.all(writes);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private countOf(key: string, ttl: number, limit: number, now: number): Count {
    const window = Math.floor(now / ttl);
    let count = this.counts.get(key);
    if (!count || count.window !== window || count.ttl !== ttl) {
      count = {
        window,
        windowEndsAt: (window + 1) * ttl,
        ttl,
        known: 0,
        pending: 0,
        flushing: 0,
        batch: Math.max(1, Math.ceil(limit * LIMITER_BATCH_SHARE)),
        blockedUntil: count && count.blockedUntil > now ? count.blockedUntil : 0,
      };
      this.counts.set(key, count);
    }
    return count;
  }

  private sync(key: string, count: Count): Promise<void> {
    if (count.inFlight) return count.inFlight;
    const hits = count.pending;
    count.pending = 0;
    count.flushing = hits;
    const redisKey = `${key}:${count.window}`;
    count.inFlight = this.redis
      .multi()
      .incrby(redisKey, hits)
      .pexpire(redisKey, count.ttl * 2)
      .exec()
      .then((results) => {
        const [error, shared] = results?.[0] ?? [new Error('no answer')];
        if (error) throw error;
        count.known = Math.max(count.known, Number(shared));
      })
      .catch((error: unknown) => {
        // Counted again at the next sync: limited alone meanwhile, never forgotten.
        count.pending += hits;
        this.options.onError?.(error);
      })
      .finally(() => {
        count.flushing = 0;
        count.inFlight = undefined;
      });
    return count.inFlight;
  }

  private answer(count: Count, now: number, isBlocked: boolean): Increment {
    return {
      totalHits: count.known + count.pending + count.flushing,
      timeToExpire: seconds(count.windowEndsAt - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(count.blockedUntil - now) : 0,
    };
  }
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));
