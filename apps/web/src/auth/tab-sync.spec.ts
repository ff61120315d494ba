import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { oneTabAtATime } from './tab-sync';

/**
 * A page without Web Locks (plain HTTP, not localhost): IndexedDB only, a fresh database per test.
 * Each call of oneTabAtATime holds its turn as a tab of its own would.
 */
function pageWithoutWebLocks(): void {
  vi.stubGlobal('navigator', {});
  vi.stubGlobal('indexedDB', new IDBFactory());
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tabs taking turns without Web Locks', () => {
  beforeEach(pageWithoutWebLocks);
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('runs one refresh after the other, never two at once', async () => {
    const log: string[] = [];
    const refresh = (tab: string) => async () => {
      log.push(`${tab} starts`);
      await tick(50);
      log.push(`${tab} ends`);
      return tab;
    };
    const done = await Promise.all([
      oneTabAtATime(refresh('first')),
      oneTabAtATime(refresh('second')),
      oneTabAtATime(refresh('third')),
    ]);
    expect(done.sort()).toEqual(['first', 'second', 'third']);
    // Whichever went first ended before the next started.
    for (let turn = 0; turn < 6; turn += 2)
      expect(log[turn + 1]).toBe(log[turn]?.replace('starts', 'ends'));
    expect(log).toHaveLength(6);
  });

  it('frees the turn when a refresh fails, so the next tab is not kept waiting', async () => {
    await expect(
      oneTabAtATime(async () => {
        throw new Error('network');
      }),
    ).rejects.toThrow('network');
    const started = Date.now();
    expect(await oneTabAtATime(async () => 'next')).toBe('next');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lets the next tab go once the turn of a tab closed while holding it has expired', async () => {
    // Only the clock the turn's expiry is read from is moved; timers run as they do.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-28T12:00:00Z') });
    void oneTabAtATime(() => new Promise<never>(() => undefined));
    let ran = false;
    const next = oneTabAtATime(async () => {
      ran = true;
    });
    // Several of its tries at the turn go by while the closed tab's turn lasts.
    await tick(300);
    expect(ran).toBe(false);
    vi.setSystemTime(Date.parse('2026-11-28T12:00:10.001Z'));
    await next;
    expect(ran).toBe(true);
  });
});
