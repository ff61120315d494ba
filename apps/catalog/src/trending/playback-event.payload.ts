import { USERS_PLAYBACK_EVENTS, type EventEnvelope } from '@kinema/contracts';
import { z } from 'zod';
import { parseEventData, uuidField } from '../events/event-data';

/** One profile watching one title on one UTC day: the unit trending counts. */
export interface TitleView {
  titleId: string;
  profileId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
}

// RFC 3339 with a mandatory offset, so the UTC day never depends on this process's time zone.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const progressedSchema = z.object({
  profileId: uuidField,
  titleId: uuidField,
  occurredAt: z
    .string()
    .regex(RFC3339, 'must be an RFC 3339 time')
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real time'),
});

/** The UTC calendar day of an RFC 3339 time. */
export function utcDay(time: string): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** `day` (YYYY-MM-DD) moved by `days`, in UTC. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * The view a `users.playback.v1` event reports: undefined for a type trending does not count
 * (ignored, not dead-lettered); throws MalformedEventError for a known type with bad data.
 */
export function parsePlaybackEvent(event: EventEnvelope): TitleView | undefined {
  if (event.type !== USERS_PLAYBACK_EVENTS.progressed) return undefined;
  const data = parseEventData(event, progressedSchema);
  return { titleId: data.titleId, profileId: data.profileId, day: utcDay(data.occurredAt) };
}
