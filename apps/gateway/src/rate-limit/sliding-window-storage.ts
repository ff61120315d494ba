import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { CountsNow, Increment } from './request-budget';

interface Window {
  /**
   * Expiry times of the hits counted, oldest first, each once however many hits share it (they
   * were made in the same millisecond), with that number in `counts`; live ones start at `head`.
   */
  expiries: number[];
  counts: number[];
  head: number;
  /** The hits from `head` on. */
  live: number;
  /** Past the limit: refused until then. */
  blockedUntil: number;
}

/** How often windows with no live hit are forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The in-memory limiter state, with the semantics of @nestjs/throttler's own memory storage (a
 * sliding log of hits; past the limit a caller is blocked for the block duration, its hits then
 * forgotten), at constant cost per request. The throttler's storage filters a caller's whole hit
 * list on every request, which with a high limit took 15% of a cached read's CPU in a profile;
 * here hits expire in the order they were made, so expired ones are dropped from the front.
 * Hits of the same millisecond share one entry, so a caller's log holds at most one entry per
 * millisecond of its window, whatever its rate: with an entry per hit, a limit lifted for a load
 * test held every request of the last minute, 4.6 MB for one caller at 10,000 requests a second
 * (docs/performance.md, memory of the whole demo).
 */
export class SlidingWindowStorage implements ThrottlerStorage, CountsNow, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweep = setInterval(() => this.forgetIdle(), SWEEP_INTERVAL_MS);
    this.sweep.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<Increment> {
    return this.incrementNow(key, ttl, limit, blockDuration, throttlerName);
  }

  /** As increment, answered at once: the log is in memory (CountsNow). */
  incrementNow(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Increment {
    const now = this.now();
    const id = `${throttlerName}\0${key}`;
    let window = this.windows.get(id);
    if (!window) this.windows.set(id, (window = emptyWindow()));
    if (window.blockedUntil > now) {
      return {
        totalHits: this.live(window, now) + 1,
        timeToExpire: seconds(this.oldest(window, now) - now),
        isBlocked: true,
        timeToBlockExpire: seconds(window.blockedUntil - now),
      };
    }
    // The block is over: the caller starts afresh.
    if (window.blockedUntil > 0) this.windows.set(id, (window = emptyWindow()));
    const expiry = now + ttl;
    const last = window.expiries.length - 1;
    if (last >= window.head && window.expiries[last] === expiry) window.counts[last]++;
    else {
      window.expiries.push(expiry);
      window.counts.push(1);
    }
    window.live++;
    const totalHits = this.live(window, now);
    if (totalHits > limit) window.blockedUntil = now + Math.max(blockDuration, 1);
    return {
      totalHits,
      timeToExpire: seconds(this.oldest(window, now) - now),
      isBlocked: totalHits > limit,
      timeToBlockExpire: totalHits > limit ? seconds(window.blockedUntil - now) : 0,
    };
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.windows.clear();
  }

  /** Live hits, after dropping the expired ones from the front. */
  private live(window: Window, now: number): number {
    const { expiries, counts } = window;
    while (window.head < expiries.length && (expiries[window.head] ?? 0) <= now) {
      window.live -= counts[window.head] ?? 0;
      window.head++;
    }
    // Reclaim the dropped front once it is most of the array.
    if (window.head > 1024 && window.head * 2 > expiries.length) {
      window.expiries = expiries.slice(window.head);
      window.counts = counts.slice(window.head);
      window.head = 0;
    }
    return window.live;
  }

  private oldest(window: Window, now: number): number {
    return window.expiries[window.head] ?? now;
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [id, window] of this.windows) {
      if (window.blockedUntil <= now && this.live(window, now) === 0) this.windows.delete(id);
    }
  }
}

const emptyWindow = (): Window => ({ expiries: [], counts: [], head: 0, live: 0, blockedUntil: 0 });

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));
