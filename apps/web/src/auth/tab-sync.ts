import tabsLockPackage from 'browser-tabs-lock';
import type { Account, Profile } from '../schema/types';
import { sessionStore, type AccessGrant } from './session';

/** What one tab tells the others of this browser about the session they share. */
export type TabMessage =
  | { type: 'session'; account: Account; grant: AccessGrant }
  | { type: 'signed-out'; expired: boolean }
  /** A profile renamed (`now`, as it is now) or deleted (`now` null). */
  | { type: 'profile-changed'; profileId: string; now: Profile | null };

// The package is CommonJS compiled from TypeScript, its class at `module.exports.default`. What a
// default import of it is depends on the loader: `module.exports` in Vite's build (as in Node, for
// an ES module package like this one), the class itself in Vitest.
const loaded = tabsLockPackage as typeof tabsLockPackage | { default: typeof tabsLockPackage };
const TabsLock = 'default' in loaded ? loaded.default : loaded;

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
 * this tab out too, and the profile this tab watches follows a rename or is let go when deleted
 * there. Returns a function that stops listening.
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
    if (message.type === 'profile-changed') {
      sessionStore.profileChanged(message.profileId, message.now);
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

/** How long a tab without Web Locks waits for another tab's refresh before it goes ahead. */
const REFRESH_WAIT_MS = 5_000;

/**
 * Runs `task` while no other tab of this browser runs one: the refresh token is single use and
 * shared through the cookie, so two tabs refreshing at once would present the same token twice,
 * which the API treats as theft and answers by ending the session. The Web Locks API queues the
 * tabs. A page served over plain HTTP from an address other than localhost (minikube's, a LAN's,
 * an Ingress without TLS) gets no Web Locks; there `browser-tabs-lock`, the lock Auth0's SPA SDK
 * takes for its own refresh tokens, queues them through localStorage. A tab closed while holding
 * it frees it within seconds; one that waited `REFRESH_WAIT_MS` in vain goes ahead.
 */
export async function oneTabAtATime<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks) return locks.request(REFRESH_LOCK, task) as Promise<T>;
  if (typeof window === 'undefined') return task();
  const lock = new TabsLock();
  const held = await lock.acquireLock(REFRESH_LOCK, REFRESH_WAIT_MS);
  try {
    return await task();
  } finally {
    if (held) await lock.releaseLock(REFRESH_LOCK);
  }
}
