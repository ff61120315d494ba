import type { MigrationInterface, QueryRunner } from 'typeorm';

// Search finds a title by its people and genres as well as its name and synopsis, and forgives a
// typo. The names of the title's credits and genres are kept on the title row (written with the
// credits and genres, see TitlesWriteRepository.refreshSearch) because a generated column may read
// only its own row; the search vector weighs name A, people B, genres C, synopsis D.
//
// Typos: `search_words` holds every word of every title (the lexicon PostgreSQL's documentation
// suggests pairing with pg_trgm, F.35.5): a query term that starts no word is replaced by the
// nearest words by trigram distance that are also close in edit distance. It is small (distinct
// words, not titles), so the lookup costs the same at ten thousand titles as at a million.
// pg_trgm and fuzzystrmatch are trusted extensions: the database owner may create them.
export class SearchPeopleGenresAndTypos1764300000000 implements MigrationInterface {
  name = 'SearchPeopleGenresAndTypos1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`);
    await queryRunner.query(`
      ALTER TABLE titles
        ADD COLUMN credit_names text NOT NULL DEFAULT '',
        ADD COLUMN genre_names text NOT NULL DEFAULT ''`);
    await queryRunner.query(`
      UPDATE titles t SET
        credit_names = coalesce((SELECT string_agg(c.person_name, ' ' ORDER BY c.position)
          FROM credits c WHERE c.title_id = t.id), ''),
        genre_names = coalesce((SELECT string_agg(g.name, ' ' ORDER BY g.position)
          FROM title_genres tg JOIN genres g ON g.id = tg.genre_id WHERE tg.title_id = t.id), '')`);
    await queryRunner.query(`ALTER TABLE titles DROP COLUMN search_vector`);
    await queryRunner.query(`
      ALTER TABLE titles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, name), 'A') ||
        setweight(to_tsvector('simple'::regconfig, credit_names), 'B') ||
        setweight(to_tsvector('simple'::regconfig, genre_names), 'C') ||
        setweight(to_tsvector('simple'::regconfig, synopsis), 'D')
      ) STORED`);
    await queryRunner.query(`CREATE INDEX titles_search_idx ON titles USING gin (search_vector)`);
    await queryRunner.query(`CREATE TABLE search_words (word text COLLATE "C" PRIMARY KEY)`);
    await queryRunner.query(`
      INSERT INTO search_words (word)
      SELECT DISTINCT u.lexeme FROM titles t, unnest(t.search_vector) u`);
    // GiST (not GIN): it answers "nearest by trigram distance" (ORDER BY <->) from the index.
    await queryRunner.query(
      `CREATE INDEX search_words_trgm_idx ON search_words USING gist (word gist_trgm_ops)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE search_words`);
    await queryRunner.query(`ALTER TABLE titles DROP COLUMN search_vector`);
    await queryRunner.query(`
      ALTER TABLE titles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, name), 'A') ||
        setweight(to_tsvector('simple'::regconfig, synopsis), 'B')
      ) STORED`);
    await queryRunner.query(`CREATE INDEX titles_search_idx ON titles USING gin (search_vector)`);
    await queryRunner.query(`ALTER TABLE titles DROP COLUMN genre_names, DROP COLUMN credit_names`);
  }
}
