import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Account, Profile } from '../schema/types';
import { sessionStore } from './session';

const account = { id: 'account-1', email: 'viewer@example.com', role: 'viewer' } as Account;
const grant = { accessToken: 'token', accessTokenExpiresAt: '2099-01-01T00:00:00Z' };
const profile = (id: string, name: string) => ({ id, name, kids: false }) as Profile;

/** What the browser remembers as the profile last chosen, as a new tab would read it. */
function remembered(stored: Map<string, string>): string | undefined {
  const value = stored.get('kinema.profile');
  return value === undefined ? undefined : (JSON.parse(value) as { profile: Profile }).profile.name;
}

/** A browser's localStorage, empty; returns what it holds. */
function browserStorage(): Map<string, string> {
  const stored = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => void stored.set(key, value),
    removeItem: (key: string) => void stored.delete(key),
  });
  return stored;
}

describe('a profile renamed or deleted', () => {
  let stored: Map<string, string>;
  beforeEach(() => {
    stored = browserStorage();
    sessionStore.signIn(account, grant);
  });
  afterEach(() => {
    sessionStore.signOut();
    vi.unstubAllGlobals();
  });

  it('is followed by the tab watching it, and by the profile the browser remembers', () => {
    sessionStore.chooseProfile(profile('p1', 'Guest'));
    sessionStore.profileChanged('p1', profile('p1', 'Sofa'));
    expect(sessionStore.get()?.profile?.name).toBe('Sofa');
    expect(remembered(stored)).toBe('Sofa');
    sessionStore.profileChanged('p1', null);
    expect(sessionStore.get()?.profile).toBeNull();
    expect(remembered(stored)).toBeUndefined();
  });

  it('changes nothing for a tab watching another, nor the memory of another', () => {
    // This tab watches Guest; another tab chose Kids since, which the browser remembers.
    sessionStore.chooseProfile(profile('p1', 'Guest'));
    stored.set(
      'kinema.profile',
      JSON.stringify({ accountId: 'account-1', profile: profile('p2', 'Kids') }),
    );
    sessionStore.profileChanged('p3', profile('p3', 'Someone'));
    sessionStore.profileChanged('p1', null);
    expect(sessionStore.get()?.profile).toBeNull();
    expect(remembered(stored)).toBe('Kids');
    sessionStore.profileChanged('p2', profile('p2', 'Little one'));
    expect(remembered(stored)).toBe('Little one');
  });
});

describe('waiting to resume a session', () => {
  beforeEach(() => void browserStorage());
  afterEach(() => {
    sessionStore.signOut();
    vi.unstubAllGlobals();
  });

  it('waits only while the tab has no session, and stops once one arrives', () => {
    sessionStore.waitToResume();
    expect(sessionStore.resuming()).toBe(true);
    sessionStore.signIn(account, grant);
    expect(sessionStore.resuming()).toBe(false);
    // Another tab handed the session over before this one's refresh failed: nothing to wait for.
    sessionStore.waitToResume();
    expect(sessionStore.resuming()).toBe(false);
  });
});
