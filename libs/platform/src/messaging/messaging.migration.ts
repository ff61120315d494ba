import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox and processed-events tables; every service with messaging lists this migration. */
export class CreateMessagingTables1763700000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox_events (
        sequence bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        message_key text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text NOT NULL,
        data jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at timestamptz NOT NULL,
        sent_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    await runner.query(
      `CREATE INDEX outbox_events_pending_idx ON outbox_events (sequence) WHERE sent_at IS NULL`,
    );
    await runner.query(`
      CREATE TABLE processed_events (
        consumer_group text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE processed_events');
    await runner.query('DROP TABLE outbox_events');
  }
}

/**
 * The relay's lease: one row naming the replica that relays and until when. Only the holder
 * sends, in sequence order, without a transaction open during the send; a holder that dies or
 * stalls loses the lease when it expires and another replica takes over.
 */
export class AddOutboxRelayLease1764100000000 implements MigrationInterface {
  name = 'AddOutboxRelayLease1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox_relay_lease (
        id int PRIMARY KEY CHECK (id = 1),
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await runner.query(`INSERT INTO outbox_relay_lease VALUES (1, '', '-infinity')`);
    await runner.query(
      'CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX processed_events_processed_at_idx');
    await runner.query('DROP TABLE outbox_relay_lease');
  }
}

/**
 * When a replica without the relay's lease last tried to take it. The holder polls for rows other
 * replicas commit only while one has lately (OUTBOX_RELAY_POLL_MS); alone, its own commits wake it.
 */
export class AddOutboxRelayContention1764500000000 implements MigrationInterface {
  name = 'AddOutboxRelayContention1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE outbox_relay_lease ADD COLUMN contended_at timestamptz NOT NULL DEFAULT '-infinity'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE outbox_relay_lease DROP COLUMN contended_at');
  }
}

/** Every messaging migration, oldest first; services list them among their own by timestamp. */
export const MESSAGING_MIGRATIONS = [
  CreateMessagingTables1763700000000,
  AddOutboxRelayLease1764100000000,
  AddOutboxRelayContention1764500000000,
];
