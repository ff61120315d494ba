import type { Account, Profile, Tokens } from '../api/types';

/**
 * The signed-in state. The access token lives in memory only; the single-use refresh token is kept
 * in sessionStorage so that a reload of the same tab resumes the session with a refresh instead of
 * asking for the password again (closing the tab ends it).
 */
export interface Session {
  account: Account;
  accessToken: string;
  accessTokenExpiresAt: number;
  profile: Profile | null;
}

const REFRESH_KEY = 'kinema.refresh';
const PROFILE_KEY = 'kinema.profile';

type Listener = () => void;

let current: Session | null = null;
/** The last session ended because it could not be refreshed (not because the person left). */
let expired = false;
const listeners = new Set<Listener>();

function emit(): void {
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get: (): Session | null => current,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  signIn(account: Account, tokens: Tokens): void {
    expired = false;
    storage()?.setItem(REFRESH_KEY, tokens.refreshToken);
    const profile = current?.account.id === account.id ? current.profile : null;
    current = {
      account,
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: Date.parse(tokens.accessTokenExpiresAt),
      profile,
    };
    emit();
  },
  refreshed(tokens: Tokens): void {
    storage()?.setItem(REFRESH_KEY, tokens.refreshToken);
    if (current) {
      current = {
        ...current,
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: Date.parse(tokens.accessTokenExpiresAt),
      };
      emit();
    }
  },
  chooseProfile(profile: Profile | null): void {
    if (!current) return;
    if (profile) storage()?.setItem(PROFILE_KEY, profile.id);
    else storage()?.removeItem(PROFILE_KEY);
    current = { ...current, profile };
    emit();
  },
  signOut(): void {
    expired = false;
    storage()?.removeItem(REFRESH_KEY);
    storage()?.removeItem(PROFILE_KEY);
    current = null;
    emit();
  },
  /** The API refused the session and it could not be refreshed: sign in again. */
  expire(): void {
    sessionStore.signOut();
    expired = true;
  },
  endedByExpiry: (): boolean => expired,
  storedRefreshToken: (): string | null => storage()?.getItem(REFRESH_KEY) ?? null,
  storedProfileId: (): string | null => storage()?.getItem(PROFILE_KEY) ?? null,
};

function storage(): Storage | undefined {
  return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
}
