import { createHash } from 'node:crypto';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { boundedLru } from '../lru/bounded-lru';
import type { Principal } from '../viewer/principal';
import { addressTracker } from './client-network';

/** Hashes of recent callers: a busy caller's key is not hashed again on every request. */
const recentHashes = boundedLru<string, string>(10_000);

/** The limiter's key for a caller: the limit's name and a hash of who is counted (never in clear). */
export function limiterKey(prefix: string, name: string, tracker: string): string {
  let hash = recentHashes.get(tracker);
  if (hash === undefined) {
    hash = createHash('sha256').update(tracker).digest('base64url');
    recentHashes.set(tracker, hash);
  }
  return `${prefix}${name}:${hash}`;
}

/** The per-caller request budget ("requests"), as the limiter's guard counts it. */
export const REQUESTS_LIMIT = 'requests';

/**
 * Who the request budget counts: a signed-in caller by account, whatever its IP; others by the
 * client's address (Fastify's `request.ip`, which honours TRUST_PROXY), an IPv6 client by its /64.
 */
export function budgetTracker(ip: string, principal: Principal | undefined): string {
  return principal ? `account:${principal.accountId}` : addressTracker(ip);
}

/** What a limiter storage's increment answers. */
export type Increment = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * A limiter storage that can count a hit at once when it has nothing to wait for: undefined
 * means it counted nothing and `increment` must be asked (and awaited) instead.
 */
export interface CountsNow {
  incrementNow(...hit: Parameters<ThrottlerStorage['increment']>): Increment | undefined;
}

function countsNow(storage: ThrottlerStorage): storage is ThrottlerStorage & CountsNow {
  return typeof (storage as Partial<CountsNow>).incrementNow === 'function';
}

/**
 * The "requests" limit, counted outside Nest's guard (the hot read path): the same storage, key,
 * limit and window, so a request answered there spends the caller's budget exactly as one
 * answered by a controller does.
 */
export class RequestBudget {
  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly options: { prefix: string; limit: number; windowMs: number },
  ) {}

  /**
   * Counts one request of this caller; false when it is over its budget (nothing answered).
   * Answered at once when the storage counts without waiting (admitsNow), as it does for a
   * cached read's repeats, else once the storage has counted it.
   */
  admits(tracker: string): boolean | Promise<boolean> {
    const hit = this.hitOf(tracker);
    return this.countedNow(hit) ?? this.countedLater(hit);
  }

  /**
   * As admits when the storage counts without waiting (CountsNow); undefined, having counted
   * nothing, when `admitsLater` must be asked. The hot path then answers without leaving the
   * request's turn.
   */
  admitsNow(tracker: string): boolean | undefined {
    return this.countedNow(this.hitOf(tracker));
  }

  /** As admits, for a request admitsNow left uncounted: the storage counts it in its own time. */
  admitsLater(tracker: string): Promise<boolean> {
    return this.countedLater(this.hitOf(tracker));
  }

  /** The storage's arguments for one request of this caller, as the guard gives them. */
  private hitOf(tracker: string): Parameters<ThrottlerStorage['increment']> {
    const { prefix, limit, windowMs } = this.options;
    return [limiterKey(prefix, REQUESTS_LIMIT, tracker), windowMs, limit, windowMs, REQUESTS_LIMIT];
  }

  private countedNow(hit: Parameters<ThrottlerStorage['increment']>): boolean | undefined {
    if (!countsNow(this.storage)) return undefined;
    try {
      const counted = this.storage.incrementNow(...hit);
      return counted && !counted.isBlocked;
    } catch {
      // The store failing: leave the request to the guard, which fails open and says so.
      return false;
    }
  }

  private async countedLater(hit: Parameters<ThrottlerStorage['increment']>): Promise<boolean> {
    // The store failing: leave the request to the guard, which fails open and says so.
    try {
      const { isBlocked } = await this.storage.increment(...hit);
      return !isBlocked;
    } catch {
      return false;
    }
  }
}
