import { randomUUID } from 'node:crypto';
import type { Topic } from '@kinema/contracts';
import type { EntityManager } from 'typeorm';

export interface OutgoingEvent<Data = unknown> {
  topic: Topic;
  type: string;
  /** The aggregate id: the Kafka key, so all events of one aggregate stay in order. */
  subject: string;
  data: Data;
  headers?: Record<string, string>;
}

/** Marks a query runner whose transaction wrote outbox rows, so the relay is woken on commit. */
export const OUTBOX_DIRTY = 'kinemaOutboxDirty';

/**
 * Writes events into the outbox inside the caller's transaction: they are sent if and only if
 * the state change commits. Call it with the EntityManager of that transaction.
 */
export class OutboxPublisher {
  constructor(private readonly source: string) {}

  async publish(manager: EntityManager, event: OutgoingEvent): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(
        'OutboxPublisher.publish must run inside the transaction of the state change',
      );
    }
    const eventId = randomUUID();
    await manager.query(
      `INSERT INTO outbox_events
         (event_id, topic, message_key, type, source, subject, data, headers, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
      [
        eventId,
        event.topic,
        event.subject,
        event.type,
        this.source,
        event.subject,
        JSON.stringify(event.data),
        JSON.stringify(event.headers ?? {}),
      ],
    );
    manager.queryRunner.data = { ...manager.queryRunner.data, [OUTBOX_DIRTY]: true };
    return eventId;
  }
}
