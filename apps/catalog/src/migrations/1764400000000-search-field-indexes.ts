import type { MigrationInterface, QueryRunner } from 'typeorm';

// Relevance ranks a search's matches by the best field that holds every term (name, people,
// genres, anything) and then by popularity; see TitlesReadRepository.listByRelevance. The search
// vector's GIN index knows which titles hold a word but not in which field, so "comedy in
// someone's name" would read every comedy to find none. Each field gets its own index: it finds
// a field's few matches at once, and the planner's statistics on it (ANALYZE keeps them for an
// expression index) tell it when a field's matches are many enough to walk the popularity index
// instead. The expressions are spelled exactly as the queries spell them.
export class SearchFieldIndexes1764400000000 implements MigrationInterface {
  name = 'SearchFieldIndexes1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [index, column] of fields) {
      await queryRunner.query(
        `CREATE INDEX ${index} ON titles USING gin (to_tsvector('simple'::regconfig, ${column}))`,
      );
    }
    await queryRunner.query('ANALYZE titles');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [index] of fields) await queryRunner.query(`DROP INDEX ${index}`);
  }
}

const fields = [
  ['titles_name_search_idx', 'name'],
  ['titles_people_search_idx', 'credit_names'],
  ['titles_genres_search_idx', 'genre_names'],
] as const;
