import createClient from 'openapi-fetch';
import { refreshAnswered, refreshKey, sessionStore } from '../auth/session';
import { oneTabAtATime, tellOtherTabs } from '../auth/tab-sync';
import type { paths } from '../schema/generated/schema';
import { toApiError } from './problem';
import type { Account, Tokens } from '../schema/types';

/** Refresh this long before the access token expires, so a request never carries a stale one. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * A request the API has not answered by then is given up: a hung gateway replica holds the
 * connection the browser sent it on and answers nothing, and without a bound the page would wait
 * on it for good (a refresh at load, under the Web Lock every tab waits on, kept the whole app on
 * "Loading"). The gateway answers within its deadline (GRPC_DEADLINE_MS, 5 s unless set) or says
 * 504, so an answer this late is not coming. A read is then asked again (TanStack Query's retry),
 * a refresh with its key, so that it is answered again if it was made.
 */
export const REQUEST_TIMEOUT_MS = 15_000;

/** fetch, given up with a TimeoutError once the API has not answered in REQUEST_TIMEOUT_MS. */
async function fetchWithin(input: Request | string, init: RequestInit = {}): Promise<Response> {
  // A timer of the page's rather than AbortSignal.timeout: cleared as soon as the answer comes.
  const giveUp = new AbortController();
  const timer = setTimeout(
    () =>
      giveUp.abort(new DOMException(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`, 'TimeoutError')),
    REQUEST_TIMEOUT_MS,
  );
  const signals = input instanceof Request ? [input.signal, giveUp.signal] : [giveUp.signal];
  try {
    return await fetch(input, { ...init, signal: AbortSignal.any(signals) });
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps the refresh token in the HttpOnly cookie (the gateway's cookie mode). */
export const COOKIE_SESSION = { 'X-Session-Mode': 'cookie' } as const;

let refreshing: Promise<boolean> | null = null;

type RefreshAnswer =
  paths['/api/v1/auth/refresh']['post']['responses'][200]['content']['application/json'];

function fresh(expiresAt: number): boolean {
  return expiresAt - Date.now() > REFRESH_MARGIN_MS;
}

/**
 * One refresh at a time in this tab and, through a Web Lock, in the whole browser. A tab that
 * waited its turn may find that another tab refreshed meanwhile (its token arrived over the tab
 * channel): then it has nothing to do. `refused` is the access token the API just refused, if
 * any: a token other than that one, still fresh, is good. Resolves false when the session is
 * over (the cookie was refused), true when this tab holds a usable token.
 */
export function refreshSession(refused?: string): Promise<boolean> {
  refreshing ??= oneTabAtATime(async () => {
    const before = sessionStore.get();
    if (before && before.accessToken !== refused && fresh(before.accessTokenExpiresAt)) return true;
    const response = await presentSessionCookie();
    if (response.status === 401) return false;
    const body: unknown = await response.json().catch(() => '');
    if (!response.ok) throw toApiError(response, body);
    const answer = body as RefreshAnswer;
    adoptSession(answer.account, answer.tokens);
    return true;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Asks the API to rotate the session cookie. Not through `api`: a refresh must not itself be
 * refreshed and retried. The API rotates the cookie's single-use token as it answers, and a page
 * reloaded or closed meanwhile never sees that answer. So the request outlives its page
 * (keepalive: the browser stores the cookie it brings back), and carries a key this browser keeps
 * until it sees the refresh settled: a next page that presents the old cookie before the new one
 * arrived (a double reload, a slow network) sends the same key, and the API answers that refresh
 * again where the old token alone would end the session as stolen. An answer of 500 or more
 * settles nothing (the refresh may or may not have been made, 504 OUTCOME_UNKNOWN), so the key is
 * kept for the next try too; so is no answer at all (REQUEST_TIMEOUT_MS, a dropped connection).
 */
async function presentSessionCookie(): Promise<Response> {
  const key = refreshKey();
  const response = await fetchWithin('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, ...COOKIE_SESSION },
    body: '{}',
    keepalive: true,
  });
  if (response.status < 500) refreshAnswered(key);
  return response;
}

/** A sign-in, registration or refresh answered: this tab and every other one use it. */
export function adoptSession(account: Account, tokens: Tokens): void {
  const grant = {
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
  };
  sessionStore.signIn(account, grant);
  tellOtherTabs({ type: 'session', account, grant });
}

/** The session cannot go on (refused by the API): every tab shows sign-in, saying why. */
export function endExpiredSession(): void {
  sessionStore.signOut('expired');
  tellOtherTabs({ type: 'signed-out', expired: true });
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
 * shortly before expiry, one refresh-and-retry when the API answers 401 anyway, and no wait
 * longer than REQUEST_TIMEOUT_MS.
 */
export async function sessionFetch(input: Request): Promise<Response> {
  const session = sessionStore.get();
  if (session && !fresh(session.accessTokenExpiresAt) && !(await refreshSession()))
    endExpiredSession();
  const retry = input.clone();
  const sent = sessionStore.get()?.accessToken;
  const response = await fetchWithin(authorised(input));
  if (response.status !== 401 || !sent || !sessionStore.get()) return response;
  if (await refreshSession(sent)) return fetchWithin(authorised(retry));
  // The app shows sign-in, remembering the page the person was on.
  endExpiredSession();
  return response;
}

export const api = createClient<paths>({ baseUrl: '', fetch: sessionFetch });

/** The API with this tab's token as it is: no refresh, no retry (see changingSession). */
const apiAsIs = createClient<paths>({
  baseUrl: '',
  fetch: (request: Request) => fetchWithin(authorised(request)),
});

/**
 * Runs `task`, a request that ends the account's sessions (a new password, which starts another;
 * deleting the account), in this browser's refresh turn, with a token fresh enough that the
 * request needs no refresh of its own. The API tells every socket of the account that its
 * sessions ended, possibly before its answer has arrived; a tab that asks to refresh on hearing it
 * waits for the turn, by when `task` has adopted the new session (its cookie already set) or
 * signed the browser out, so that no tab presents the ended session's cookie meanwhile and says
 * the session expired.
 */
export async function changingSession<T>(task: (client: typeof api) => Promise<T>): Promise<T> {
  const session = sessionStore.get();
  if (session && !fresh(session.accessTokenExpiresAt)) await refreshSession();
  return oneTabAtATime(() => task(apiAsIs));
}

/** The data of an openapi-fetch answer, or its problem as an ApiError. */
export async function data<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data: body, error, response } = await pending;
  if (!response.ok) throw toApiError(response, error);
  return body as T;
}
