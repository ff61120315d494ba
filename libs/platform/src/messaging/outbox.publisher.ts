import { randomUUID } from 'node:crypto';
import { CE_TRACING_HEADERS, type Topic } from '@kinema/contracts';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { traceHeaders } from '../telemetry/trace-context';
import { MESSAGING_TRACER } from './messaging-tracer';

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
    // The message is created here, in the request that changes the state (the messaging
    // conventions' create span); its context travels with the row to every consumer.
    const span = MESSAGING_TRACER.startSpan(`create ${event.topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'create',
        'messaging.operation.name': 'create',
        'messaging.destination.name': event.topic,
        'messaging.message.id': eventId,
        'messaging.kafka.message.key': event.subject,
        'cloudevents.event_id': eventId,
        'cloudevents.event_type': event.type,
        'cloudevents.event_subject': event.subject,
      },
    });
    const created = trace.setSpan(context.active(), span);
    const headers = { ...event.headers, ...traceHeaders(CE_TRACING_HEADERS, created) };
    try {
      await context.with(created, () => this.insert(manager, eventId, event, headers));
    } finally {
      span.end();
    }
    manager.queryRunner.data = { ...manager.queryRunner.data, [OUTBOX_DIRTY]: true };
    return eventId;
  }

  private async insert(
    manager: EntityManager,
    eventId: string,
    event: OutgoingEvent,
    headers: Record<string, string>,
  ): Promise<void> {
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
        JSON.stringify(headers),
      ],
    );
  }
}
