import type { Account } from '../api/types';
import { sessionStore, type AccessGrant } from './session';

/** What one tab tells the others of this browser about the session they share. */
export type TabMessage =
  | { type: 'session'; account: Account; grant: AccessGrant }
  | { type: 'signed-out'; expired: boolean };

const CHANNEL = 'kinema.session';
const REFRESH_LOCK = 'kinema.refresh';

let channel: BroadcastChannel | undefined;

function theChannel(): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  channel ??= new BroadcastChannel(CHANNEL);
  return channel;
}

export function tellOtherTabs(message: TabMessage): void {
  theChannel()?.postMessage(message);
}

/**
 * Follows the other tabs: a fresher access token (or a sign-in) is adopted, a sign-out signs
 * this tab out too. Returns a function that stops listening.
 */
export function followOtherTabs(): () => void {
  const tabs = theChannel();
  if (!tabs) return () => undefined;
  const onMessage = (event: MessageEvent<TabMessage>) => {
    const message = event.data;
    if (message.type === 'signed-out') {
      if (sessionStore.get())
        sessionStore.signOut(message.expired ? 'expired' : 'signed-out-elsewhere');
      return;
    }
    const session = sessionStore.get();
    const expiresAt = Date.parse(message.grant.accessTokenExpiresAt);
    if (!session || session.accessTokenExpiresAt < expiresAt)
      sessionStore.signIn(message.account, message.grant);
  };
  tabs.addEventListener('message', onMessage);
  return () => tabs.removeEventListener('message', onMessage);
}

/**
 * Runs `task` while no other tab of this browser runs one: the refresh token is single use and
 * shared through the cookie, so two tabs refreshing at once would present the same token twice,
 * which the API treats as theft and answers by ending the session. The Web Locks API queues the
 * tabs; where it is missing (a page not served over HTTPS or from localhost) there is one tab's
 * worth of protection only.
 */
export function oneTabAtATime<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return task();
  return locks.request(REFRESH_LOCK, task) as Promise<T>;
}
