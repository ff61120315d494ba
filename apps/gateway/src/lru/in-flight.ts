import { CallerGroup, runForCallers } from '@kinema/platform/logging';

/**
 * Calls for one key made while an earlier one is still running share that call's promise, so that
 * a burst of requests that find the same entry missing or expired (a page's parallel reads, a busy
 * client's session when its trust period ends) asks the other service once, not once each. Only
 * running calls are held: once a call settles, the next one for its key starts afresh, so this
 * bounds nothing and caches nothing.
 *
 * A call forgotten (what it asks about changed here: a logout, a deletion) is not joined by later
 * requests, which start a call of their own, and it learns that it is no longer current, so what
 * it answers is not kept over what changed.
 *
 * Its callers share nothing when their cache is off (a trust period or TTL of 0): each request
 * then asks for itself, as that setting promises.
 *
 * Written here rather than taken from lru-cache's `fetch` (which coalesces the same way): the
 * callers keep their own expiry rules (a session trusted until its token expires, a clock tests
 * set), which `fetch` would tie to lru-cache's own TTL and clock.
 */
export class InFlight<K, V> {
  /** The call running for each key (an object of its own, so a forgotten one is told apart). */
  private readonly running = new Map<K, { promise?: Promise<V>; callers: CallerGroup }>();

  /**
   * `call()`'s promise, or the one already running for `key`. `current()` tells the call, once it
   * has its answer, whether it is still the one for its key (not forgotten meanwhile).
   */
  run(key: K, call: (current: () => boolean) => Promise<V>): Promise<V> {
    const running = this.joinable(key);
    if (running?.promise) {
      running.callers.join();
      return running.promise;
    }
    // Cancelled (its reads) only once every request waiting for it has gone, not the first; a
    // request coming after that starts a call of its own.
    const callers = new CallerGroup();
    const entry: { promise?: Promise<V>; callers: CallerGroup } = { callers };
    const current = () => this.running.get(key) === entry;
    const promise = runForCallers(callers.signal, () => call(current)).finally(() => {
      callers.end();
      if (current()) this.running.delete(key);
    });
    entry.promise = promise;
    this.running.set(key, entry);
    return promise;
  }

  /** Whether a call for `key` is running (a call for it now would join that one). */
  has(key: K): boolean {
    return this.joinable(key) !== undefined;
  }

  /** The call running for `key`, unless every request it ran for has gone (it is cancelled). */
  private joinable(key: K) {
    const running = this.running.get(key);
    return running && !running.callers.signal.aborted ? running : undefined;
  }

  /** Later calls for `key` start afresh, and the one running is no longer current. */
  forget(key: K): void {
    this.running.delete(key);
  }

  /** The same for every key. */
  forgetAll(): void {
    this.running.clear();
  }
}
