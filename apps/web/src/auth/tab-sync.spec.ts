import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { oneTabAtATime } from './tab-sync';

/** A page without Web Locks (plain HTTP, not localhost): a window and its localStorage only. */
function pageWithoutWebLocks(): void {
  const stored = new Map<string, string>();
  const localStorage = {
    get length() {
      return stored.size;
    },
    key: (index: number) => [...stored.keys()][index] ?? null,
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => void stored.set(key, value),
    removeItem: (key: string) => void stored.delete(key),
    clear: () => stored.clear(),
  };
  vi.stubGlobal('navigator', {});
  vi.stubGlobal('localStorage', localStorage);
  vi.stubGlobal('window', {
    localStorage,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  });
}

describe('tabs taking turns without Web Locks', () => {
  beforeEach(pageWithoutWebLocks);
  afterEach(() => vi.unstubAllGlobals());

  it('runs one refresh after the other, never two at once', async () => {
    const log: string[] = [];
    const refresh = (tab: string) => async () => {
      log.push(`${tab} starts`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      log.push(`${tab} ends`);
      return tab;
    };
    const done = await Promise.all([
      oneTabAtATime(refresh('first')),
      oneTabAtATime(refresh('second')),
    ]);
    expect(done.sort()).toEqual(['first', 'second']);
    // Whichever went first ended before the other started.
    expect(log[1]).toBe(log[0]?.replace('starts', 'ends'));
    expect(log).toHaveLength(4);
  });

  it('frees the lock when a refresh fails, so the next tab is not kept waiting', async () => {
    await expect(
      oneTabAtATime(async () => {
        throw new Error('network');
      }),
    ).rejects.toThrow('network');
    const started = Date.now();
    expect(await oneTabAtATime(async () => 'next')).toBe('next');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
