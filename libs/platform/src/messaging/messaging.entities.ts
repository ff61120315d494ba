import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** An event committed with the state change that caused it, waiting for the relay to send it. */
@Entity({ name: 'outbox_events' })
@Index('outbox_events_pending_idx', ['sequence'], { where: 'sent_at IS NULL' })
export class OutboxEventEntity {
  /** Monotonic: the relay sends in this order, which keeps every key's events in commit order. */
  @PrimaryGeneratedColumn({ type: 'bigint', name: 'sequence' })
  sequence!: string;

  @Column({ type: 'uuid', name: 'event_id', unique: true })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text', name: 'message_key' })
  key!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  headers!: Record<string, string>;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;
}

/** Event ids a consumer group has handled, written in the same transaction as the handler. */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'text', name: 'consumer_group' })
  consumerGroup!: string;

  @PrimaryColumn({ type: 'text', name: 'event_id' })
  eventId!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'processed_at' })
  processedAt!: Date;
}

export const MESSAGING_ENTITIES = [OutboxEventEntity, ProcessedEventEntity];
