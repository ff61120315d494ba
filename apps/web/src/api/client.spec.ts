import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionStore } from '../auth/session';
import type { Account, Tokens } from './types';
import { sessionFetch } from './client';

const account: Account = {
  id: '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41',
  email: 'ada@example.com',
  role: 'viewer',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function tokens(access: string, refresh: string): Tokens {
  const later = new Date(Date.now() + 15 * 60_000).toISOString();
  return {
    accessToken: access,
    tokenType: 'Bearer',
    accessTokenExpiresAt: later,
    refreshToken: refresh,
    refreshTokenExpiresAt: later,
    sessionId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  };
}

/** A gateway that accepts one access token and rotates the refresh token once. */
function gateway(options: { refreshWorks: boolean }) {
  const refreshes: string[] = [];
  const fetch = vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(`http://kinema${input}`, init);
    if (request.url.endsWith('/api/v1/auth/refresh')) {
      const { refreshToken } = (await request.json()) as { refreshToken: string };
      refreshes.push(refreshToken);
      if (!options.refreshWorks || refreshToken !== 'refresh-1')
        return new Response(
          JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }),
          {
            status: 401,
          },
        );
      return new Response(JSON.stringify({ tokens: tokens('access-2', 'refresh-2') }));
    }
    const authorised = request.headers.get('authorization') === 'Bearer access-2';
    return new Response(JSON.stringify({ ok: authorised }), { status: authorised ? 200 : 401 });
  });
  return { fetch, refreshes };
}

describe('requests with the session', () => {
  beforeEach(() => {
    const stored = new Map<string, string>();
    vi.stubGlobal('sessionStorage', {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => stored.set(key, value),
      removeItem: (key: string) => stored.delete(key),
    });
    sessionStore.signIn(account, tokens('access-1', 'refresh-1'));
  });

  afterEach(() => {
    sessionStore.signOut();
    vi.unstubAllGlobals();
  });

  it('refreshes an access token the API refuses and retries, unseen by the caller', async () => {
    const server = gateway({ refreshWorks: true });
    vi.stubGlobal('fetch', server.fetch);
    const response = await sessionFetch(new Request('http://kinema/api/v1/me'));
    expect(response.status).toBe(200);
    expect(sessionStore.get()?.accessToken).toBe('access-2');
    expect(sessionStore.storedRefreshToken()).toBe('refresh-2');
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
    expect(server.refreshes).toEqual(['refresh-1']);
  });

  it('ends the session as expired when it cannot be refreshed, so sign-in says why', async () => {
    const server = gateway({ refreshWorks: false });
    vi.stubGlobal('fetch', server.fetch);
    const response = await sessionFetch(new Request('http://kinema/api/v1/me'));
    expect(response.status).toBe(401);
    expect(sessionStore.get()).toBeNull();
    expect(sessionStore.endedByExpiry()).toBe(true);
  });
});
