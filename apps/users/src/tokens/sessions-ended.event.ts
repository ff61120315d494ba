import {
  USERS_ACCOUNT_EVENTS,
  type SessionEndReason,
  type UsersAccountEvents,
} from '@kinema/contracts';
import type { OutboxPublisher } from '@kinema/platform';
import type { EntityManager } from 'typeorm';

/**
 * Tells every gateway replica that sessions ended (they close their sockets and refuse their
 * playback grants), in the transaction that ends them; nothing when none was open.
 */
export async function publishSessionsEnded(
  outbox: OutboxPublisher,
  manager: EntityManager,
  ended: { accountId: string; sessionIds: string[]; reason: SessionEndReason; at: Date },
): Promise<void> {
  if (ended.sessionIds.length === 0) return;
  const data: UsersAccountEvents[typeof USERS_ACCOUNT_EVENTS.sessionsEnded] = {
    accountId: ended.accountId,
    sessionIds: ended.sessionIds,
    reason: ended.reason,
    occurredAt: ended.at.toISOString(),
  };
  await outbox.publish(manager, {
    topic: USERS_ACCOUNT_EVENTS.topic,
    type: USERS_ACCOUNT_EVENTS.sessionsEnded,
    subject: ended.accountId,
    data,
  });
}
