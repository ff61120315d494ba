import type { Account, Profile } from '../schema/types';

/**
 * The signed-in state of this tab. The access token lives in memory only; the refresh token is
 * in an HttpOnly cookie no script can read, shared by every tab of the browser (see tab-sync.ts
 * for how tabs take turns refreshing it). localStorage holds only what is not secret: that this
 * browser has a session worth refreshing, the profile last chosen, so that a new tab opens
 * signed in as that profile, and the key of a refresh not yet seen answered (useless without the
 * cookie).
 */
export interface Session {
  account: Account;
  accessToken: string;
  accessTokenExpiresAt: number;
  profile: Profile | null;
}

/** An access token and its expiry, as the auth routes answer them. */
export interface AccessGrant {
  accessToken: string;
  accessTokenExpiresAt: string;
}

/** Why the last session of this tab ended without a plain sign-out in this tab. */
export type SessionEnd = 'expired' | 'signed-out-elsewhere' | 'account-deleted';

const SIGNED_IN_KEY = 'kinema.signed-in';
const PROFILE_KEY = 'kinema.profile';
const REFRESH_KEY = 'kinema.refresh-key';

type Listener = () => void;

let current: Session | null = null;
let ended: SessionEnd | null = null;
let resuming = false;
const listeners = new Set<Listener>();

function emit(): void {
  for (const listener of listeners) listener();
}

function storage(): Storage | undefined {
  return typeof localStorage === 'undefined' ? undefined : localStorage;
}

/**
 * The Idempotency-Key for this browser's next refresh: the key of a refresh sent and never seen
 * settled (its page was reloaded or closed first, the connection failed, or the API could not say
 * whether it was made), so that the API answers this one as that refresh instead of seeing its
 * used token again; else a new key. It is kept until `refreshAnswered`.
 */
export function refreshKey(): string {
  const pending = storage()?.getItem(REFRESH_KEY);
  if (pending) return pending;
  // Not crypto.randomUUID: it exists only in secure contexts, and the app is also served over
  // plain HTTP (http://$(minikube ip):30080).
  const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
  storage()?.setItem(REFRESH_KEY, key);
  return key;
}

/** The refresh sent with `key` was answered: the next one gets a key of its own. */
export function refreshAnswered(key: string): void {
  if (storage()?.getItem(REFRESH_KEY) === key) storage()?.removeItem(REFRESH_KEY);
}

/** The profile last chosen in this browser by this account, if any. */
function rememberedProfile(accountId: string): Profile | null {
  try {
    const stored = JSON.parse(storage()?.getItem(PROFILE_KEY) ?? 'null') as {
      accountId: string;
      profile: Profile;
    } | null;
    return stored?.accountId === accountId ? stored.profile : null;
  } catch {
    return null;
  }
}

/** Remembers `profile` as the one last chosen in this browser by the account (null: none). */
function remember(accountId: string, profile: Profile | null): void {
  if (profile) storage()?.setItem(PROFILE_KEY, JSON.stringify({ accountId, profile }));
  else storage()?.removeItem(PROFILE_KEY);
}

export const sessionStore = {
  get: (): Session | null => current,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Signed in (or a session adopted from another tab): the remembered profile, if it is theirs. */
  signIn(account: Account, grant: AccessGrant): void {
    ended = null;
    resuming = false;
    storage()?.setItem(SIGNED_IN_KEY, '1');
    const profile =
      current?.account.id === account.id ? current.profile : rememberedProfile(account.id);
    current = {
      account,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: Date.parse(grant.accessTokenExpiresAt),
      profile,
    };
    emit();
  },
  chooseProfile(profile: Profile | null): void {
    if (!current) return;
    remember(current.account.id, profile);
    current = { ...current, profile };
    emit();
  },
  /**
   * A profile of the account was renamed (`now`) or deleted (null), in this tab or another: the
   * tab watching it follows, and so does the browser's memory of the profile last chosen, while
   * a tab watching another profile, and that memory of another, stay as they are.
   */
  profileChanged(id: string, now: Profile | null): void {
    if (!current) return;
    if (rememberedProfile(current.account.id)?.id === id) remember(current.account.id, now);
    if (current.profile?.id !== id) return;
    current = { ...current, profile: now };
    emit();
  },
  /** Ends the session in this tab: `why` says it ended elsewhere or expired (sign-in says so). */
  signOut(why: SessionEnd | null = null): void {
    ended = why;
    resuming = false;
    storage()?.removeItem(SIGNED_IN_KEY);
    storage()?.removeItem(PROFILE_KEY);
    current = null;
    emit();
  },
  /** Why the last session ended, until the sign-in page has said so. */
  ended: (): SessionEnd | null => ended,
  acknowledgeEnd(): void {
    ended = null;
  },
  /**
   * Whether this tab is waiting to resume a session the API could not answer for (an outage):
   * it browses as a visitor meanwhile, and signs in again once the API answers.
   */
  resuming: (): boolean => resuming,
  waitToResume(): void {
    // A session another tab handed over meanwhile leaves nothing to wait for.
    if (current) return;
    resuming = true;
    emit();
  },
  /** Whether this browser signed in and has not signed out: a refresh may resume the session. */
  mayResume: (): boolean => storage()?.getItem(SIGNED_IN_KEY) === '1',
};
