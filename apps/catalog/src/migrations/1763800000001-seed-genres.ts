import type { MigrationInterface, QueryRunner } from 'typeorm';

// The genre set is fixed reference data: ids never change, so they are spelled out here as they
// were when this migration was written (GENRES in @kinema/contracts must match; a test checks).
const catalogGenres: ReadonlyArray<readonly [number, string, string]> = [
  [1, 'action', 'Action'],
  [2, 'adventure', 'Adventure'],
  [3, 'animation', 'Animation'],
  [4, 'comedy', 'Comedy'],
  [5, 'crime', 'Crime'],
  [6, 'documentary', 'Documentary'],
  [7, 'drama', 'Drama'],
  [8, 'family', 'Family'],
  [9, 'fantasy', 'Fantasy'],
  [10, 'horror', 'Horror'],
  [11, 'mystery', 'Mystery'],
  [12, 'romance', 'Romance'],
  [13, 'sci-fi', 'Science Fiction'],
  [14, 'thriller', 'Thriller'],
  [15, 'war', 'War'],
  [16, 'western', 'Western'],
];

export class SeedGenres1763800000001 implements MigrationInterface {
  name = 'SeedGenres1763800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO genres (id, slug, name, position)
       SELECT id, slug, name, id FROM unnest($1::smallint[], $2::text[], $3::text[]) AS g (id, slug, name)`,
      [
        catalogGenres.map(([id]) => id),
        catalogGenres.map(([, slug]) => slug),
        catalogGenres.map(([, , name]) => name),
      ],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM genres WHERE id = ANY($1::smallint[])`, [
      catalogGenres.map(([id]) => id),
    ]);
  }
}
