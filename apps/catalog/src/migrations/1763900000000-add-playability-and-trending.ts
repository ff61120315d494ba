import type { MigrationInterface, QueryRunner } from 'typeorm';

// Playability: the current video of a title (a movie's) or episode is tracked by id, so a
// VideoFailed for a replaced video cannot clear the one that replaced it.
//
// Trending: `title_views` holds one row per (title, profile, UTC day), so duplicates and replays
// collapse on the primary key. `title_trending` holds one narrow row per title with the number of
// such views inside the 7-day window: a view adds 1 as it is inserted, and the window job subtracts
// a day's views when that day leaves the window (`trending_window.first_day` is the watermark, so
// each day is subtracted once). Keeping the score out of `titles` means a view rewrites a
// 20-byte row and two B-tree entries, not the wide title row with its GIN search entry.
// Browse rows read only published, playable titles; the partial indexes below hold just those,
// so a row walks few entries even when most of a million titles have no video yet.
export class AddPlayabilityAndTrending1763900000000 implements MigrationInterface {
  name = 'AddPlayabilityAndTrending1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE titles
        ADD COLUMN video_id text,
        ADD COLUMN duration_seconds integer NOT NULL DEFAULT 0
          CONSTRAINT titles_duration_check CHECK (duration_seconds >= 0)`);
    await queryRunner.query(`
      ALTER TABLE episodes
        ADD COLUMN video_id text,
        ADD COLUMN duration_seconds integer NOT NULL DEFAULT 0
          CONSTRAINT episodes_duration_check CHECK (duration_seconds >= 0)`);
    // "Is any episode of this series playable" probes seasons by title (their unique key), then
    // this index by season.
    await queryRunner.query(
      `CREATE INDEX episodes_playable_idx ON episodes (season_id) WHERE playable`,
    );
    await queryRunner.query(`
      CREATE INDEX titles_browse_newest_idx ON titles (release_year, id)
        WHERE playable AND availability = 'published'`);
    await queryRunner.query(`
      CREATE INDEX titles_browse_popular_idx ON titles (popularity, id)
        WHERE playable AND availability = 'published'`);

    await queryRunner.query(`
      CREATE TABLE title_views (
        title_id uuid NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
        profile_id uuid NOT NULL,
        day date NOT NULL,
        PRIMARY KEY (title_id, profile_id, day)
      )`);
    // The window job counts and deletes one expiring day at a time.
    await queryRunner.query(`CREATE INDEX title_views_day_idx ON title_views (day, title_id)`);
    await queryRunner.query(`
      CREATE TABLE title_trending (
        title_id uuid PRIMARY KEY REFERENCES titles (id) ON DELETE CASCADE,
        score integer NOT NULL DEFAULT 0 CONSTRAINT title_trending_score_check CHECK (score >= 0)
      )`);
    // ORDER BY score DESC, title_id DESC (and its keyset condition) is a backward range scan.
    await queryRunner.query(
      `CREATE INDEX title_trending_score_idx ON title_trending (score, title_id)`,
    );
    await queryRunner.query(`INSERT INTO title_trending (title_id) SELECT id FROM titles`);
    await queryRunner.query(`
      CREATE TABLE trending_window (
        singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT trending_window_singleton CHECK (singleton),
        first_day date NOT NULL
      )`);
    // A 7-day window: today and the six days before it (UTC).
    await queryRunner.query(
      `INSERT INTO trending_window (first_day) VALUES ((now() AT TIME ZONE 'UTC')::date - 6)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE trending_window`);
    await queryRunner.query(`DROP TABLE title_trending`);
    await queryRunner.query(`DROP TABLE title_views`);
    await queryRunner.query(`DROP INDEX titles_browse_popular_idx`);
    await queryRunner.query(`DROP INDEX titles_browse_newest_idx`);
    await queryRunner.query(`DROP INDEX episodes_playable_idx`);
    await queryRunner.query(
      `ALTER TABLE episodes DROP COLUMN duration_seconds, DROP COLUMN video_id`,
    );
    await queryRunner.query(
      `ALTER TABLE titles DROP COLUMN duration_seconds, DROP COLUMN video_id`,
    );
  }
}
