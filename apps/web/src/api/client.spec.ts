import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionStore } from '../auth/session';
import type { Account, Profile, Tokens } from '../schema/types';
import {
  adoptSession,
  REQUEST_TIMEOUT_MS,
  refreshSession,
  changingSession,
  sessionFetch,
} from './client';
import { timedOut } from './problem';

const account: Account = {
  id: '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41',
  email: 'ada@example.com',
  role: 'viewer',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function grant(access: string, minutes = 15) {
  return {
    accessToken: access,
    accessTokenExpiresAt: new Date(Date.now() + minutes * 60_000).toISOString(),
  };
}

/**
 * A gateway in cookie mode: it accepts one access token, and rotates the session cookie once
 * (a second refresh with the same cookie is refused, as the API refuses a reused token).
 */
function gateway(options: { refreshWorks: boolean }) {
  const refreshes: Array<{
    mode: string | null;
    body: string;
    keepalive: boolean;
    key: string | null;
  }> = [];
  const fetch = vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(`http://kinema${input}`, init);
    if (request.url.endsWith('/api/v1/auth/refresh')) {
      refreshes.push({
        mode: request.headers.get('x-session-mode'),
        body: await request.text(),
        keepalive: request.keepalive,
        key: request.headers.get('idempotency-key'),
      });
      if (!options.refreshWorks || refreshes.length > 1)
        return new Response(
          JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }),
          { status: 401, headers: { 'content-type': 'application/problem+json' } },
        );
      return new Response(
        JSON.stringify({
          tokens: { ...grant('access-2'), tokenType: 'Bearer', sessionId: 's' },
          account,
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    }
    const authorised = request.headers.get('authorization') === 'Bearer access-2';
    return new Response(JSON.stringify({ ok: authorised }), { status: authorised ? 200 : 401 });
  });
  return { fetch, refreshes };
}

/**
 * A gateway replica that hangs: it takes every request and answers none, so each waits until the
 * page gives it up (its signal aborts).
 */
function hungGateway() {
  const keys: Array<string | null> = [];
  const fetch = vi.fn((input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(`http://kinema${input}`, init);
    keys.push(request.headers.get('idempotency-key'));
    const signal = init?.signal ?? request.signal;
    return new Promise<Response>((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason)),
    );
  });
  return { fetch, keys };
}

/** What the other tabs of the browser were told. */
let told: unknown[];

describe('requests with the session', () => {
  beforeEach(() => {
    const stored = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => stored.set(key, value),
      removeItem: (key: string) => stored.delete(key),
    });
    told = [];
    vi.stubGlobal(
      'BroadcastChannel',
      class {
        postMessage(message: unknown) {
          told.push(message);
        }
        addEventListener = vi.fn();
        removeEventListener = vi.fn();
      },
    );
    sessionStore.signIn(account, grant('access-1'));
  });

  afterEach(() => {
    sessionStore.signOut();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('refreshes from the session cookie when the API refuses the access token, and retries unseen', async () => {
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    const response = await sessionFetch(new Request('http://kinema/api/v1/me'));
    expect(response.status).toBe(200);
    expect(sessionStore.get()?.accessToken).toBe('access-2');
    // The refresh token is the cookie's business: the page never holds or sends one. The refresh
    // outlives the page (keepalive), so a reload meanwhile still keeps the rotated cookie.
    expect(server.refreshes).toEqual([
      { mode: 'cookie', body: '{}', keepalive: true, key: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(told).toContainEqual(expect.objectContaining({ type: 'session' }));
  });

  it('spends the single-use refresh token once when several requests are refused together', async () => {
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    const answers = await Promise.all(
      ['/api/v1/me', '/api/v1/genres', '/api/v1/titles'].map((path) =>
        sessionFetch(new Request(`http://kinema${path}`)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(server.refreshes).toHaveLength(1);
  });

  it('does not refresh when another tab did while this one waited its turn', async () => {
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    vi.stubGlobal('navigator', {
      locks: {
        // The other tab held the lock, refreshed, and its fresh token reached this tab.
        request: async (_name: string, task: () => Promise<unknown>) => {
          sessionStore.signIn(account, grant('access-2'));
          return task();
        },
      },
    });
    expect(await refreshSession('access-1')).toBe(true);
    expect(server.refreshes).toEqual([]);
    expect(sessionStore.get()?.accessToken).toBe('access-2');
  });

  it('makes a refresh asked while the session is being replaced (a new password) wait, then find the new token instead of presenting the ended cookie', async () => {
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    // Web Locks as a browser grants them: one holder at a time, in the order asked.
    let queue: Promise<unknown> = Promise.resolve();
    vi.stubGlobal('navigator', {
      locks: {
        request: (_name: string, task: () => Promise<unknown>) => {
          const turn = queue.then(task);
          queue = turn.catch(() => undefined);
          return turn;
        },
      },
    });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const replacing = changingSession(async () => {
      await answered;
      const tokens: Tokens = {
        ...grant('access-3'),
        tokenType: 'Bearer',
        refreshTokenExpiresAt: grant('', 60 * 24).accessTokenExpiresAt,
        sessionId: 's2',
      };
      adoptSession(account, tokens);
    });
    // The API's notice that the account's sessions ended arrives before its answer.
    const refreshed = refreshSession('access-1');
    answer();
    await replacing;
    expect(await refreshed).toBe(true);
    expect(server.refreshes).toEqual([]);
    expect(sessionStore.get()?.accessToken).toBe('access-3');
  });

  it('ends the session as expired in every tab when it cannot be refreshed, so sign-in says why', async () => {
    const server = gateway({ refreshWorks: false });
    vi.stubGlobal('fetch', server.fetch);
    const response = await sessionFetch(new Request('http://kinema/api/v1/me'));
    expect(response.status).toBe(401);
    expect(sessionStore.get()).toBeNull();
    expect(sessionStore.ended()).toBe('expired');
    expect(sessionStore.mayResume()).toBe(false);
    expect(told).toContainEqual({ type: 'signed-out', expired: true });
  });

  it('opens a new tab as the profile last chosen in this browser, for that account only', async () => {
    const profile: Profile = {
      id: '0b8e7c6d-5f4a-4b3c-8d2e-1f0a9b8c7d6e',
      name: 'Ada',
      kids: false,
      maxMaturity: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    sessionStore.chooseProfile(profile);
    // A new tab: this module's memory starts empty; localStorage is the browser's.
    vi.resetModules();
    const { sessionStore: newTab } = await import('../auth/session');
    expect(newTab.get()).toBeNull();
    expect(newTab.mayResume()).toBe(true);
    newTab.signIn(account, grant('access-3'));
    expect(newTab.get()?.profile?.id).toBe(profile.id);
    newTab.signOut();
    newTab.signIn({ ...account, id: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }, grant('access-4'));
    expect(newTab.get()?.profile).toBeNull();
  });

  it('sends a reloaded page the same key as the refresh its previous page never saw answered, and a new key once answered', async () => {
    // Web Locks as a browser gives them: a page's lock ends with the page.
    vi.stubGlobal('navigator', {
      locks: { request: (_name: string, task: () => unknown) => task() },
    });
    const keys: Array<string | null> = [];
    // The first page's refresh is sent, and the page reloads before its answer. Each page is a
    // fresh copy of the modules; localStorage is the browser's.
    vi.resetModules();
    const first = await import('./client');
    vi.stubGlobal(
      'fetch',
      vi.fn((_input: Request | string, init?: RequestInit) => {
        keys.push(new Headers(init?.headers).get('idempotency-key'));
        return new Promise<Response>(() => undefined);
      }),
    );
    void first.refreshSession();
    await vi.waitFor(() => expect(keys).toHaveLength(1));
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);

    vi.resetModules();
    const page = await import('./client');
    const { sessionStore: pageSession } = await import('../auth/session');
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    expect(await page.refreshSession()).toBe(true);
    expect(pageSession.get()?.accessToken).toBe('access-2');
    expect(server.refreshes.map((refresh) => refresh.key)).toEqual([keys[0]]);
    pageSession.signOut();

    // That refresh was answered: the next one is another.
    const next = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', next.fetch);
    expect(await page.refreshSession()).toBe(true);
    expect(next.refreshes[0]?.key).toMatch(/^[0-9a-f]{32}$/);
    expect(next.refreshes[0]?.key).not.toBe(keys[0]);
  });

  it('keeps the key when the API could not say whether the refresh was made (5xx): the next refresh sends it again', async () => {
    const keys: Array<string | null> = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_input: Request | string, init?: RequestInit) => {
        keys.push(new Headers(init?.headers).get('idempotency-key'));
        return new Response(JSON.stringify({ status: 504, code: 'OUTCOME_UNKNOWN' }), {
          status: 504,
          headers: { 'content-type': 'application/problem+json' },
        });
      }),
    );
    await expect(refreshSession('access-1')).rejects.toThrow();
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    expect(await refreshSession('access-1')).toBe(true);
    expect(keys).toHaveLength(1);
    expect(server.refreshes[0]?.key).toBe(keys[0]);
    // Settled now: the next refresh is another.
    expect(localStorage.getItem('kinema.refresh-key')).toBeNull();
  });

  it('gives up a request the API does not answer once REQUEST_TIMEOUT_MS have passed, as a timeout the page can ask again after', async () => {
    vi.useFakeTimers();
    const hung = hungGateway();
    vi.stubGlobal('fetch', hung.fetch);
    let outcome: unknown;
    void sessionFetch(new Request('http://kinema/api/v1/browse')).then(
      (response) => (outcome = response),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
    expect(hung.fetch).toHaveBeenCalledTimes(1);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(timedOut(outcome)).toBe(true);
  });

  it('gives up a refresh the API does not answer, and keeps its key: the next refresh sends it again', async () => {
    vi.useFakeTimers();
    const hung = hungGateway();
    vi.stubGlobal('fetch', hung.fetch);
    const given = refreshSession('access-1').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
    expect(timedOut(await given)).toBe(true);
    // The refresh may have been made: the next one is the same, answered again if it was.
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    expect(await refreshSession('access-1')).toBe(true);
    expect(hung.keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(server.refreshes[0]?.key).toBe(hung.keys[0]);
  });
});
