import { api, data } from '../api/client';
import type { Account, Tokens } from '../api/types';
import { sessionStore } from './session';

/**
 * After a reload: exchanges the tab's refresh token for a session, and picks the profile that was
 * in use. Resolves false when there is nothing to resume.
 */
export async function restoreSession(): Promise<boolean> {
  const refreshToken = sessionStore.storedRefreshToken();
  if (!refreshToken) return false;
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  if (!response.ok) {
    sessionStore.signOut();
    return false;
  }
  const { tokens } = (await response.json()) as { tokens: Tokens };
  const me = await fetch('/api/v1/me', {
    headers: { authorization: `Bearer ${tokens.accessToken}` },
  });
  if (!me.ok) return false;
  sessionStore.signIn((await me.json()) as Account, tokens);
  const profileId = sessionStore.storedProfileId();
  if (profileId) {
    const profiles = await data(api.GET('/api/v1/me/profiles'));
    sessionStore.chooseProfile(profiles.items.find((profile) => profile.id === profileId) ?? null);
  }
  return true;
}
