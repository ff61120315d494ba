import {
  SESSION_END_REASONS,
  USERS_ACCOUNT_EVENTS,
  type EventEnvelope,
  type SessionEndReason,
} from '@kinema/contracts';

/** What a SessionsEnded event tells this replica: which sessions, why, and the event's identity. */
export interface SessionsEnded {
  sessionIds: string[];
  reason: SessionEndReason;
  eventId: string;
  time: string;
}

/**
 * The sessions an event ends; undefined for any other event. A SessionsEnded whose data does not
 * have the contract's shape throws, so the feed logs it instead of acting on half of it.
 */
export function sessionsEndedBy(event: EventEnvelope): SessionsEnded | undefined {
  if (event.type !== USERS_ACCOUNT_EVENTS.sessionsEnded) return undefined;
  const data = event.data as Partial<Record<'sessionIds' | 'reason', unknown>> | null;
  const sessionIds = data?.sessionIds;
  const reason = data?.reason;
  if (
    !Array.isArray(sessionIds) ||
    !sessionIds.every((id): id is string => typeof id === 'string') ||
    !SESSION_END_REASONS.includes(reason as SessionEndReason)
  ) {
    throw new Error(`${event.type} ${event.id} does not carry sessionIds and a known reason`);
  }
  return { sessionIds, reason: reason as SessionEndReason, eventId: event.id, time: event.time };
}
