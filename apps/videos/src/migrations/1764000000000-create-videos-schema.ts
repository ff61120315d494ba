import type { MigrationInterface, QueryRunner } from 'typeorm';

// One row per upload attempt. Object keys derive from the row id, so the key is unique too.
export class CreateVideosSchema1764000000000 implements MigrationInterface {
  name = 'CreateVideosSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE videos (
        id uuid PRIMARY KEY,
        title_id uuid NOT NULL,
        episode_id uuid,
        status text NOT NULL CONSTRAINT videos_status_check
          CHECK (status IN ('uploading', 'ready', 'failed', 'replaced')),
        content_type text NOT NULL CONSTRAINT videos_content_type_check
          CHECK (content_type IN ('video/mp4', 'video/webm')),
        declared_size bigint NOT NULL CONSTRAINT videos_declared_size_check CHECK (declared_size > 0),
        size_bytes bigint CONSTRAINT videos_size_check CHECK (size_bytes > 0),
        sha256 text CONSTRAINT videos_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        duration_seconds double precision CONSTRAINT videos_duration_check CHECK (duration_seconds >= 0),
        width integer CONSTRAINT videos_width_check CHECK (width > 0),
        height integer CONSTRAINT videos_height_check CHECK (height > 0),
        codecs text[] NOT NULL DEFAULT '{}',
        object_key text NOT NULL CONSTRAINT videos_object_key_key UNIQUE,
        upload_id text,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- A ready video has everything playback and the VideoReady event need.
        CONSTRAINT videos_ready_complete CHECK (
          status <> 'ready' OR (size_bytes IS NOT NULL AND sha256 IS NOT NULL
            AND duration_seconds IS NOT NULL AND width IS NOT NULL AND height IS NOT NULL)
        )
      )`);
    // At most one playable video per title (movies: NULL episode) or episode. A movie's NULL
    // must collide with itself, hence NULLS NOT DISTINCT (PostgreSQL 15+).
    await queryRunner.query(`
      CREATE UNIQUE INDEX videos_playable_key ON videos (title_id, episode_id) NULLS NOT DISTINCT
        WHERE status = 'ready'`);
    // Uploads left open by a crashed replica are found by age.
    await queryRunner.query(
      `CREATE INDEX videos_uploading_idx ON videos (updated_at) WHERE status = 'uploading'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE videos`);
  }
}
