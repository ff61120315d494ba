import { Stopped } from './api-client';
import { AuthGate } from './auth-gate';

/** A clock that moves only when a client pauses, as the fake gateway's does. */
function fakeClock() {
  let nowMs = 0;
  return {
    now: () => nowMs,
    /** A client whose pauses pass at once on this clock, and reject with Stopped once stopped. */
    client: (signal: AbortSignal) => ({
      signal,
      pause: async (ms: number) => {
        if (signal.aborted) throw new Stopped();
        nowMs += ms;
        await new Promise((resolve) => setImmediate(resolve));
        if (signal.aborted) throw new Stopped();
      },
    }),
  };
}

describe('AuthGate', () => {
  it('lets in two at a time; the next enters when one leaves', async () => {
    const clock = fakeClock();
    const gate = new AuthGate(clock);
    const run = new AbortController();
    const entered: string[] = [];
    const enter = (name: string) =>
      gate.enter(clock.client(run.signal)).then(() => void entered.push(name));
    const all = Promise.all(['a', 'b', 'c'].map(enter));
    await new Promise((resolve) => setImmediate(resolve));
    expect(entered).toEqual(['a', 'b']);
    gate.leave();
    await all;
    expect(entered).toEqual(['a', 'b', 'c']);
  });

  it('settles every client still waiting for its turn when the run stops during a hold', async () => {
    // One sign-in in flight, two waiting behind it; its answer is a 429 (a hold for everyone),
    // and the run stops: each waiting client ends with Stopped, none waits for good.
    const clock = fakeClock();
    const gate = new AuthGate(clock, 1);
    const run = new AbortController();
    await gate.enter(clock.client(run.signal));
    const waiting = [gate.enter(clock.client(run.signal)), gate.enter(clock.client(run.signal))];
    gate.leave();
    gate.holdFor(30_000, 0);
    run.abort();
    const settled = await Promise.allSettled(waiting);
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  });

  it('hands a turn given up to a client that still runs (the admin renaming its title back)', async () => {
    const clock = fakeClock();
    const gate = new AuthGate(clock, 1);
    const viewers = new AbortController();
    const admin = new AbortController();
    await gate.enter(clock.client(viewers.signal));
    const viewer = gate.enter(clock.client(viewers.signal));
    const undo = gate.enter(clock.client(admin.signal));
    gate.leave();
    gate.holdFor(30_000, clock.now());
    viewers.abort();
    await expect(viewer).rejects.toBeInstanceOf(Stopped);
    await expect(undo).resolves.toBeUndefined();
    expect(clock.now()).toBeGreaterThanOrEqual(30_000);
  });
});
