import { refreshSession } from './client';
import { ApiError, timedOut } from './problem';
import { sessionStore } from '../auth/session';

/** The first wait before a refresh the API could not answer is tried again, doubled each time... */
const FIRST_RETRY_MS = 1_000;
/** ...up to this. */
const LONGEST_RETRY_MS = 10_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A new tab or a reload: when this browser holds a session (the cookie), one refresh resumes it,
 * as the profile last chosen here. A browser that never signed in asks nothing: it browses as
 * a visitor. A session the API no longer accepts leaves this tab signed out, quietly. When the
 * API cannot answer at all (503 in an outage of the users service, or no network), the session
 * may well be alive: the tab browses as a visitor, says so, and tries again, less and less often,
 * until the API answers either way or another tab hands it the session.
 */
export async function restoreSession(): Promise<void> {
  if (!sessionStore.mayResume()) return;
  if (await tryRefresh()) return;
  sessionStore.waitToResume();
  void (async () => {
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, LONGEST_RETRY_MS)) {
      await pause(wait);
      if (!sessionStore.resuming() || (await tryRefresh())) return;
    }
  })();
}

/**
 * One refresh: true once settled (resumed, signed out, or refused for good), false when the API
 * could not answer (5xx, 429, no network) and it is worth asking again.
 */
async function tryRefresh(): Promise<boolean> {
  try {
    if (!(await refreshSession())) sessionStore.signOut();
    return true;
  } catch (error) {
    if (error instanceof ApiError) return error.status < 500 && error.status !== 429;
    return !(error instanceof TypeError || timedOut(error));
  }
}
