import { MalformedEventError } from '@kinema/platform';
import { UUID_PATTERN, type EventEnvelope } from '@kinema/contracts';
import { z } from 'zod';
import type { CatalogConfig } from '../config';

/** A UUID in any case, answered in lower case like every id the catalog stores. */
export const uuidField = z
  .string()
  .regex(UUID_PATTERN, 'must be a UUID')
  .transform((value) => value.toLowerCase());

/**
 * The event's data checked against the schema of its type. A known type with data that does
 * not fit is a poison message: throwing sends it to the dead-letter topic after the retries.
 */
export function parseEventData<Schema extends z.ZodType>(
  event: EventEnvelope,
  schema: Schema,
): z.output<Schema> {
  const result = schema.safeParse(event.data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`)
    .join('; ');
  throw new MalformedEventError(`${event.type} ${event.id}: ${problems}`);
}

/** Consumer group timing from config: heartbeats well inside the session timeout. */
export function consumerTimeouts(config: CatalogConfig): {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
} {
  const sessionTimeoutMs = config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS;
  return {
    sessionTimeoutMs,
    heartbeatIntervalMs: Math.min(3_000, Math.floor(sessionTimeoutMs / 10)),
  };
}
