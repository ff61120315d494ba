import createClient from 'openapi-fetch';
import { sessionStore } from '../auth/session';
import type { paths } from './generated/schema';
import { toApiError } from './problem';
import type { Tokens } from './types';

/** Refresh this long before the access token expires, so a request never carries a stale one. */
const REFRESH_MARGIN_MS = 30_000;

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time: the refresh token is single use, so parallel refreshes would race. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = sessionStore.storedRefreshToken();
    if (!refreshToken) return false;
    const response = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!response.ok) return false;
    const { tokens } = (await response.json()) as { tokens: Tokens };
    sessionStore.refreshed(tokens);
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function authorised(request: Request): Request {
  const session = sessionStore.get();
  if (!session) return request;
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${session.accessToken}`);
  if (session.profile && request.url.includes('/api/v1/') && !headers.has('x-profile-id'))
    headers.set('x-profile-id', session.profile.id);
  return new Request(request, { headers });
}

/**
 * fetch with the session: the bearer token and the chosen profile on every API call, a refresh
 * shortly before expiry, and one refresh-and-retry when the API answers 401 anyway.
 */
export async function sessionFetch(input: Request): Promise<Response> {
  const session = sessionStore.get();
  if (session && session.accessTokenExpiresAt - Date.now() < REFRESH_MARGIN_MS)
    await refreshSession();
  const retry = input.clone();
  const response = await fetch(authorised(input));
  if (response.status !== 401 || !sessionStore.get()) return response;
  if (await refreshSession()) return fetch(authorised(retry));
  // The app shows sign-in, remembering the page the person was on.
  sessionStore.expire();
  return response;
}

export const api = createClient<paths>({ baseUrl: '', fetch: sessionFetch });

/** The data of an openapi-fetch answer, or its problem as an ApiError. */
export async function data<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data: body, error, response } = await pending;
  if (!response.ok) throw toApiError(response, error);
  return body as T;
}
