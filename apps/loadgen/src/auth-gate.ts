/** What the gate needs of a client: a pause that rejects once the client's run has stopped. */
interface Pausing {
  /** Rejects when `signal` aborts, and at once when it already has, however short the pause. */
  pause(ms: number): Promise<void>;
  readonly signal: AbortSignal;
}

/** What the gate needs of the client's transport: its monotonic clock, in milliseconds. */
interface Clock {
  now(): number;
}

/**
 * Sign-in, registration and refresh of every simulated client pass here. The gateway limits them
 * per client address, and every viewer of a run shares one address: once one of them is told to
 * wait (429 + Retry-After), all of them wait as long, instead of each spending a try to learn it.
 * At most `concurrency` are in flight at once, so a ramp of many viewers does not arrive as a
 * burst of password hashes.
 */
export class AuthGate {
  private holdUntil = 0;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly transport: Clock,
    private readonly concurrency = 2,
  ) {}

  /**
   * Waits for a free place and for any hold to end; rejects as the client's pause does once its
   * run has stopped. A client that gives up its turn (stopped during a hold) hands it on: else the
   * clients still waiting behind it, with nobody left in flight to wake them, waited for good, and
   * a run stopped while its viewers queued behind a 429 never ended.
   */
  async enter(client: Pausing): Promise<void> {
    try {
      for (;;) {
        await client.pause(Math.max(0, this.holdUntil - this.transport.now()));
        // A hold set during that pause (another client's 429) is waited out too.
        if (this.transport.now() < this.holdUntil) continue;
        if (this.inFlight < this.concurrency) {
          this.inFlight += 1;
          return;
        }
        // Woken by leave() or by the client's stop; the loop then checks again.
        await this.turn(client.signal);
      }
    } catch (error) {
      this.wakeNext();
      throw error;
    }
  }

  leave(): void {
    this.inFlight -= 1;
    this.wakeNext();
  }

  /** Resolves when a place may be free, or when `signal` aborts. */
  private turn(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        signal.removeEventListener('abort', wake);
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve();
      };
      this.waiting.push(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private wakeNext(): void {
    if (this.inFlight < this.concurrency) this.waiting.shift()?.();
  }

  /** Holds every sign-in for `ms` from `now`. */
  holdFor(ms: number, now: number): void {
    this.holdUntil = Math.max(this.holdUntil, now + ms);
  }
}
