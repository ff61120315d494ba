import mutexPackage from 'idb-mutex';
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
const loaded = mutexPackage as typeof mutexPackage | { default: typeof mutexPackage };
const Mutex = 'default' in loaded ? loaded.default : loaded;

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
 * This browser signs out, by its own choice (`why` null) or as its account was deleted: the other
 * tabs first, so they hear it from this tab before the API announces the end of the session on
 * their sockets and say "signed out", not "session ended"; then this tab, whose sign-in page says
 * `why`.
 */
export function signOutEveryTab(why: 'account-deleted' | null = null): void {
  tellOtherTabs({ type: 'signed-out', expired: false });
  sessionStore.signOut(why);
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

/**
 * How long a tab without Web Locks holds the turn at most: a tab closed or reloaded while holding
 * it keeps the others waiting no longer than this. Longer than a refresh can take: the gateway
 * gives up on the users service after its gRPC deadline (`GRPC_DEADLINE_MS`, 5 s by default).
 */
const TURN_EXPIRY_MS = 10_000;

/**
 * Runs `task` while no other tab of this browser runs one: the refresh token is single use and
 * shared through the cookie, so two tabs refreshing at once would present the same token twice,
 * which the API treats as theft and answers by ending the session. The Web Locks API queues the
 * tabs. A page served over plain HTTP from an address other than localhost (minikube's, a LAN's,
 * an Ingress without TLS) gets no Web Locks; there `idb-mutex` queues them through IndexedDB,
 * whose read-write transactions the browser runs one at a time across tabs. (Its holders are
 * told apart by a random number below 10,000.) A lock in localStorage such as
 * `browser-tabs-lock` cannot be taken atomically: it waits on timers for other tabs' writes to
 * show, and a lock left by a reloaded tab holds the others until they give up and go ahead
 * together. With it, two tabs reloading together were signed out in 3 runs of 10. A tab closed
 * while holding the turn frees it after `TURN_EXPIRY_MS`.
 */
export async function oneTabAtATime<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks) return locks.request(REFRESH_LOCK, task) as Promise<T>;
  // Without IndexedDB either (a browser's private mode may refuse it), this tab goes alone.
  if (typeof indexedDB === 'undefined') return task();
  // One holder per call, as each tab is one: two calls of this tab take turns too.
  const turn = new Mutex(REFRESH_LOCK, null, { expiry: TURN_EXPIRY_MS });
  const held = await turn.lock().then(
    () => true,
    () => false,
  );
  try {
    return await task();
  } finally {
    // A turn that could not be given back ends at its expiry.
    if (held) await turn.unlock().catch(() => undefined);
  }
}
