import type { MigrationInterface, QueryRunner } from 'typeorm';

// Keyset pagination reads each sort straight off a B-tree index: (sort key, id) so the id
// tie-break is part of the index and `(key, id) > ($1, $2)` is a single index range. Visibility
// filters (availability, maturity ceiling) are applied while walking: they pass most rows.
export class CreateCatalogSchema1763800000000 implements MigrationInterface {
  name = 'CreateCatalogSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE genres (
        id smallint PRIMARY KEY,
        slug text NOT NULL CONSTRAINT genres_slug_key UNIQUE,
        name text NOT NULL,
        position smallint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE titles (
        id uuid PRIMARY KEY,
        slug text NOT NULL CONSTRAINT titles_slug_key UNIQUE,
        type text NOT NULL CONSTRAINT titles_type_check CHECK (type IN ('movie', 'series')),
        name text NOT NULL,
        -- Case-insensitive A-Z key; byte order (C) so both engines sort it identically.
        sort_name text COLLATE "C" GENERATED ALWAYS AS (lower(name)) STORED,
        synopsis text NOT NULL DEFAULT '',
        release_year smallint NOT NULL,
        runtime_minutes smallint NOT NULL DEFAULT 0,
        maturity smallint NOT NULL CONSTRAINT titles_maturity_check CHECK (maturity BETWEEN 1 AND 5),
        poster_key text NOT NULL DEFAULT '',
        backdrop_key text NOT NULL DEFAULT '',
        availability text NOT NULL CONSTRAINT titles_availability_check CHECK (availability IN ('draft', 'published')),
        playable boolean NOT NULL DEFAULT false,
        popularity double precision NOT NULL DEFAULT 0,
        -- 'simple' (no stemming, no stop words) keeps every word prefix-searchable and behaves the
        -- same on PostgreSQL and PGlite; the name weighs A so name matches outrank synopsis ones.
        search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple'::regconfig, name), 'A') ||
          setweight(to_tsvector('simple'::regconfig, synopsis), 'B')
        ) STORED,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX titles_name_idx ON titles (sort_name, id)`);
    await queryRunner.query(`CREATE INDEX titles_newest_idx ON titles (release_year, id)`);
    await queryRunner.query(`CREATE INDEX titles_popular_idx ON titles (popularity, id)`);
    await queryRunner.query(`CREATE INDEX titles_search_idx ON titles USING gin (search_vector)`);
    await queryRunner.query(`
      CREATE TABLE title_genres (
        title_id uuid NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
        genre_id smallint NOT NULL REFERENCES genres (id),
        PRIMARY KEY (title_id, genre_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX title_genres_genre_idx ON title_genres (genre_id, title_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE credits (
        title_id uuid NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
        position smallint NOT NULL,
        person_name text NOT NULL,
        role text NOT NULL CONSTRAINT credits_role_check CHECK (role IN ('director', 'writer', 'creator', 'cast')),
        character text NOT NULL DEFAULT '',
        PRIMARY KEY (title_id, position)
      )`);
    await queryRunner.query(`
      CREATE TABLE seasons (
        id uuid PRIMARY KEY,
        title_id uuid NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
        number integer NOT NULL CONSTRAINT seasons_number_check CHECK (number >= 1),
        name text NOT NULL DEFAULT '',
        release_year smallint NOT NULL DEFAULT 0,
        CONSTRAINT seasons_title_number_key UNIQUE (title_id, number)
      )`);
    await queryRunner.query(`
      CREATE TABLE episodes (
        id uuid PRIMARY KEY,
        season_id uuid NOT NULL REFERENCES seasons (id) ON DELETE CASCADE,
        number integer NOT NULL CONSTRAINT episodes_number_check CHECK (number >= 1),
        name text NOT NULL DEFAULT '',
        synopsis text NOT NULL DEFAULT '',
        runtime_minutes smallint NOT NULL DEFAULT 0,
        playable boolean NOT NULL DEFAULT false,
        CONSTRAINT episodes_season_number_key UNIQUE (season_id, number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE episodes`);
    await queryRunner.query(`DROP TABLE seasons`);
    await queryRunner.query(`DROP TABLE credits`);
    await queryRunner.query(`DROP TABLE title_genres`);
    await queryRunner.query(`DROP TABLE titles`);
    await queryRunner.query(`DROP TABLE genres`);
  }
}
