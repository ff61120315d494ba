import { refreshSession } from './client';
import { sessionStore } from '../auth/session';

/**
 * A new tab or a reload: when this browser holds a session (the cookie), one refresh resumes it,
 * as the profile last chosen here. A browser that never signed in asks nothing: it browses as
 * a visitor. A session the API no longer accepts leaves this tab signed out, quietly.
 */
export async function restoreSession(): Promise<void> {
  if (!sessionStore.mayResume()) return;
  if (!(await refreshSession())) sessionStore.signOut();
}
