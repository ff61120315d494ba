import { ACCESS_TOKEN, type SessionEndReason } from '@kinema/contracts';

/**
 * Messages on `/ws`. Server to client: notifications (each with the id of the event behind it,
 * so a client can drop a duplicate), plus `welcome`, `session.ended`, `pong` and `error`. Client to server:
 * `{"type":"ping"}` and `{"type":"auth","token":"<access token>","profileId":"<uuid>"}`.
 */
export type Notification =
  | {
      type: 'title.published';
      eventId: string;
      time: string;
      title: { id: string; slug: string; name: string };
    }
  | {
      type: 'title.updated';
      eventId: string;
      time: string;
      title: { id: string; slug: string; name: string };
      changedFields: string[];
    }
  | {
      type: 'video.ready';
      eventId: string;
      time: string;
      titleId: string;
      episodeId: string | null;
      durationSeconds: number;
    }
  | {
      type: 'profile.progress';
      eventId: string;
      time: string;
      profileId: string;
      titleId: string;
      episodeId: string | null;
      positionSeconds: number;
      durationSeconds: number;
    };

/**
 * The session a socket signed in with has ended (logout, password change, refresh-token reuse,
 * demotion, account deletion): the socket stays open as an anonymous one (public notifications
 * only) and may send `auth` again with a token of a live session.
 */
export interface SessionEndedMessage {
  type: 'session.ended';
  eventId: string;
  time: string;
  reason: SessionEndReason;
}

export type ServerMessage =
  | Notification
  | SessionEndedMessage
  | { type: 'welcome'; connectionId: string; signedIn: boolean; profileId: string | null }
  | { type: 'pong' }
  | {
      type: 'error';
      /**
       * SESSION_ENDED: an `auth` whose token's session has ended, announced or not (a sign-in that
       * raced the announcement, which went only to the sockets bound to the session then).
       */
      code:
        | 'BAD_MESSAGE'
        | 'UNAUTHENTICATED'
        | 'SESSION_ENDED'
        | 'UNKNOWN_TYPE'
        | 'UNAVAILABLE'
        | 'RATE_LIMITED';
      message: string;
    };

export type ClientMessage = { type: 'ping' } | { type: 'auth'; token: string; profileId: string };

/** Parses a client frame; what is wrong with it when it is not one of the messages above. */
export function parseClientMessage(
  raw: string,
): ClientMessage | { unknownType: string } | { bad: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { bad: 'not JSON: each message is a JSON object with a "type"' };
  }
  const message = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { bad: 'expected a JSON object with a "type"' };
  if (message['type'] === 'ping') return { type: 'ping' };
  if (message['type'] === 'auth') {
    const { token, profileId } = message;
    if (typeof token !== 'string' || typeof profileId !== 'string')
      return { bad: 'auth needs "token" (an access token) and "profileId", both strings' };
    if (token.length > ACCESS_TOKEN.maxLength)
      return { bad: `auth's "token" is longer than ${ACCESS_TOKEN.maxLength} characters` };
    return { type: 'auth', token, profileId };
  }
  return typeof message['type'] === 'string'
    ? { unknownType: message['type'].slice(0, 64) }
    : { bad: 'expected a JSON object with a "type"' };
}
