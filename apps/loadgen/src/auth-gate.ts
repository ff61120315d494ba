/** What the gate needs of a client: a pause that ends when the client's run stops. */
interface Pausing {
  pause(ms: number): Promise<void>;
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

  /** Waits for a free place and for any hold to end. */
  async enter(client: Pausing): Promise<void> {
    for (;;) {
      const now = this.transport.now();
      if (now < this.holdUntil) {
        await client.pause(this.holdUntil - now);
        continue;
      }
      if (this.inFlight < this.concurrency) {
        this.inFlight += 1;
        return;
      }
      // Woken by leave(); the loop then checks the hold and the count again.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  leave(): void {
    this.inFlight -= 1;
    this.waiting.shift()?.();
  }

  /** Holds every sign-in for `ms` from `now`. */
  holdFor(ms: number, now: number): void {
    this.holdUntil = Math.max(this.holdUntil, now + ms);
  }
}
