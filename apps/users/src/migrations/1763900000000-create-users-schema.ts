import type { MigrationInterface, QueryRunner } from 'typeorm';

// Everything an account owns hangs off it with ON DELETE CASCADE, so deleting an account is one
// statement and leaves no sessions, profiles, lists or progress behind.
export class CreateUsersSchema1763900000000 implements MigrationInterface {
  name = 'CreateUsersSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        -- Stored normalised (trimmed, lower-cased): the unique constraint is then case-insensitive.
        email text NOT NULL CONSTRAINT accounts_email_key UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'viewer' CONSTRAINT accounts_role_check CHECK (role IN ('viewer', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text
      )`);
    await queryRunner.query(`CREATE INDEX sessions_account_idx ON sessions (account_id)`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        token_hash text PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE profiles (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name text NOT NULL,
        kids boolean NOT NULL DEFAULT false,
        max_maturity smallint CONSTRAINT profiles_max_maturity_check CHECK (max_maturity BETWEEN 1 AND 5),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX profiles_account_idx ON profiles (account_id, created_at, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE my_list_items (
        profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        title_id uuid NOT NULL,
        position bigint GENERATED ALWAYS AS IDENTITY,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (profile_id, title_id)
      )`);
    // Newest first is a backward walk of this index from the cursor's position.
    await queryRunner.query(
      `CREATE UNIQUE INDEX my_list_items_order_idx ON my_list_items (profile_id, position)`,
    );
    await queryRunner.query(`CREATE SEQUENCE playback_report_seq`);
    await queryRunner.query(`
      CREATE TABLE playback_progress (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        title_id uuid NOT NULL,
        episode_id uuid,
        position_seconds integer NOT NULL CONSTRAINT playback_progress_position_check CHECK (position_seconds >= 0),
        duration_seconds integer NOT NULL CONSTRAINT playback_progress_duration_check CHECK (duration_seconds > 0),
        report_sequence bigint NOT NULL DEFAULT nextval('playback_report_seq'),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT playback_progress_position_within CHECK (position_seconds <= duration_seconds)
      )`);
    // One row per profile, title and episode; a movie's NULL episode must collide with itself,
    // hence NULLS NOT DISTINCT (PostgreSQL 15+), which the upsert's ON CONFLICT relies on.
    await queryRunner.query(
      `CREATE UNIQUE INDEX playback_progress_key ON playback_progress (profile_id, title_id, episode_id) NULLS NOT DISTINCT`,
    );
    await queryRunner.query(
      `CREATE INDEX playback_progress_recent_idx ON playback_progress (profile_id, report_sequence)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE playback_progress`);
    await queryRunner.query(`DROP SEQUENCE playback_report_seq`);
    await queryRunner.query(`DROP TABLE my_list_items`);
    await queryRunner.query(`DROP TABLE profiles`);
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE sessions`);
    await queryRunner.query(`DROP TABLE accounts`);
  }
}
