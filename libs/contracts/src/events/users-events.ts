import { TOPICS } from './topics';

/**
 * Payloads on `users.accounts.v1`, keyed by account id. Events carry no personal data: the
 * email's domain is there for sign-up statistics, never the address.
 */
export interface UsersAccountEvents {
  'kinema.users.v1.AccountRegistered': {
    accountId: string;
    emailDomain: string;
    role: 'viewer' | 'admin';
    /** RFC 3339 time of the registration. */
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
}

export type UsersAccountEventType = keyof UsersAccountEvents;
export type UsersPlaybackEventType = keyof UsersPlaybackEvents;

export const USERS_ACCOUNT_EVENTS = {
  topic: TOPICS.usersAccounts,
  registered: 'kinema.users.v1.AccountRegistered',
} as const satisfies Record<string, string>;

export const USERS_PLAYBACK_EVENTS = {
  topic: TOPICS.usersPlayback,
  progressed: 'kinema.users.v1.PlaybackProgressed',
} as const satisfies Record<string, string>;
