import type { MigrationInterface, QueryRunner } from 'typeorm';

// A refresh may carry a key its client chose (RefreshRequest.retry_key): its digest is kept on the
// token the refresh rotated, so that the same token presented again with the same key is known as
// the same exchange asked again (a page reloaded before its answer arrived), not as a stolen copy.
export class RefreshRetryKeys1764600000000 implements MigrationInterface {
  name = 'RefreshRetryKeys1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE refresh_tokens ADD COLUMN retry_key_hash text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE refresh_tokens DROP COLUMN retry_key_hash');
  }
}
