import type { AccountRoleName } from '../rules/vocabulary';
import { TOPICS } from './topics';

/**
 * Why sessions ended: a sign-out, a password change (every session of the account), a refresh
 * token presented twice (its session), a demotion (every session), or the account's deletion.
 */
export const SESSION_END_REASONS = [
  'logout',
  'password_changed',
  'refresh_token_reused',
  'role_changed',
  'account_deleted',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** How a profile's My List changed: a title entered it or left it. */
export type MyListChange = 'added' | 'removed';

/**
 * Payloads on `users.accounts.v1`, keyed by account id. Events carry no personal data: the
 * email's domain is there for sign-up statistics, never the address.
 */
export interface UsersAccountEvents {
  'kinema.users.v1.AccountRegistered': {
    accountId: string;
    emailDomain: string;
    role: AccountRoleName;
    /** RFC 3339 time of the registration. */
    occurredAt: string;
  };
  /**
   * Sessions that ended together (every open one of the account for a password change, a
   * demotion or a deletion). Their access tokens, sockets and playback grants stop working.
   */
  'kinema.users.v1.SessionsEnded': {
    accountId: string;
    /** Never empty: nothing is published when no open session ended. */
    sessionIds: string[];
    reason: SessionEndReason;
    /** RFC 3339 time the sessions ended. */
    occurredAt: string;
  };
}

/** Payloads on `users.playback.v1`, keyed by profile id so one viewer's reports stay in order. */
export interface UsersPlaybackEvents {
  'kinema.users.v1.PlaybackProgressed': {
    profileId: string;
    accountId: string;
    titleId: string;
    /** Null for movies. */
    episodeId: string | null;
    positionSeconds: number;
    durationSeconds: number;
    /** RFC 3339 time the progress was recorded. */
    occurredAt: string;
  };
  /** A title entered or left a profile's My List (nothing is published when the list did not change). */
  'kinema.users.v1.MyListChanged': {
    profileId: string;
    accountId: string;
    titleId: string;
    change: MyListChange;
    /** RFC 3339 time of the change. */
    occurredAt: string;
  };
}

export type UsersAccountEventType = keyof UsersAccountEvents;
export type UsersPlaybackEventType = keyof UsersPlaybackEvents;

export const USERS_ACCOUNT_EVENTS = {
  topic: TOPICS.usersAccounts,
  registered: 'kinema.users.v1.AccountRegistered',
  sessionsEnded: 'kinema.users.v1.SessionsEnded',
} as const satisfies Record<string, string>;

export const USERS_PLAYBACK_EVENTS = {
  topic: TOPICS.usersPlayback,
  progressed: 'kinema.users.v1.PlaybackProgressed',
  myListChanged: 'kinema.users.v1.MyListChanged',
} as const satisfies Record<string, string>;
