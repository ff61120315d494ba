import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionStore } from '../auth/session';
import { refreshSession } from './client';
import { ApiError } from './problem';
import { restoreSession } from './restore';

vi.mock('./client', () => ({ refreshSession: vi.fn() }));
const refresh = vi.mocked(refreshSession);

const unavailable = () =>
  new ApiError({ type: 'about:blank', title: 'Service Unavailable', status: 503 });

/** A browser that signed in before: its localStorage says a session may be resumed. */
function signedInBefore(): void {
  const stored = new Map([['kinema.signed-in', '1']]);
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => void stored.set(key, value),
    removeItem: (key: string) => void stored.delete(key),
  });
}

describe('resuming a session on load', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    signedInBefore();
    refresh.mockReset();
  });
  afterEach(() => {
    sessionStore.signOut();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('waits while the API cannot answer, asking again less and less often, until it answers', async () => {
    refresh
      .mockRejectedValueOnce(unavailable())
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockRejectedValueOnce(unavailable())
      .mockResolvedValueOnce(true);
    await restoreSession();
    expect(sessionStore.resuming()).toBe(true);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(refresh).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).toHaveBeenCalledTimes(4);
  });

  it('asks again after a refresh the API never answered (given up), as after no network', async () => {
    refresh
      .mockRejectedValueOnce(new DOMException('no answer in 15 s', 'TimeoutError'))
      .mockResolvedValueOnce(true);
    await restoreSession();
    expect(sessionStore.resuming()).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('stops waiting once the session is refused, and signs the tab out', async () => {
    refresh.mockRejectedValueOnce(unavailable()).mockResolvedValueOnce(false);
    await restoreSession();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sessionStore.resuming()).toBe(false);
    expect(sessionStore.mayResume()).toBe(false);
  });

  it('does not ask again what the API refused as a request (4xx)', async () => {
    refresh.mockRejectedValueOnce(
      new ApiError({ type: 'about:blank', title: 'Forbidden', status: 403 }),
    );
    await restoreSession();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(sessionStore.resuming()).toBe(false);
  });
});
