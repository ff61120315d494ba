import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface MyListRow {
  title_id: string;
  added_at: Date;
  position: string;
}

export interface ProgressRow {
  profile_id: string;
  title_id: string;
  episode_id: string | null;
  position_seconds: number;
  duration_seconds: number;
  updated_at: Date;
}

const PROGRESS_COLUMNS =
  'profile_id, title_id, episode_id, position_seconds, duration_seconds, updated_at';

/** A profile's My List and playback progress: the my_list_items and playback_progress tables. */
@Injectable()
export class LibraryRepository {
  /**
   * Adds a title to the list unless it is there (keeping its place): the item, and whether this
   * call put it on the list (false: it was there already).
   */
  async addToList(
    manager: EntityManager,
    profileId: string,
    titleId: string,
    at: Date,
  ): Promise<{ row: MyListRow | undefined; added: boolean }> {
    const inserted = await manager.query<MyListRow[]>(
      `INSERT INTO my_list_items (profile_id, title_id, added_at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING RETURNING title_id, added_at, position`,
      [profileId, titleId, at],
    );
    if (inserted[0]) return { row: inserted[0], added: true };
    const rows = await manager.query<MyListRow[]>(
      'SELECT title_id, added_at, position FROM my_list_items WHERE profile_id = $1 AND title_id = $2',
      [profileId, titleId],
    );
    return { row: rows[0], added: false };
  }

  /** Whether the title was on the list (and is no longer). */
  async removeFromList(
    manager: EntityManager,
    profileId: string,
    titleId: string,
  ): Promise<boolean> {
    // The pg driver answers a DELETE with [rows, affected row count].
    const [, removed] = await manager.query<[unknown[], number]>(
      'DELETE FROM my_list_items WHERE profile_id = $1 AND title_id = $2',
      [profileId, titleId],
    );
    return removed > 0;
  }

  /** Newest first, by keyset on the list position (never OFFSET); one extra row tells of more. */
  listPage(
    manager: EntityManager,
    profileId: string,
    before: string | null,
    limit: number,
  ): Promise<MyListRow[]> {
    return manager.query<MyListRow[]>(
      `SELECT title_id, added_at, position FROM my_list_items
        WHERE profile_id = $1 AND ($2::bigint IS NULL OR position < $2::bigint)
        ORDER BY position DESC LIMIT $3`,
      [profileId, before, limit + 1],
    );
  }

  async upsertProgress(
    manager: EntityManager,
    progress: Omit<ProgressRow, 'updated_at'> & { at: Date },
  ): Promise<ProgressRow> {
    const [row] = await manager.query<ProgressRow[]>(
      `INSERT INTO playback_progress (profile_id, title_id, episode_id, position_seconds, duration_seconds, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (profile_id, title_id, episode_id) DO UPDATE
         SET position_seconds = EXCLUDED.position_seconds,
             duration_seconds = EXCLUDED.duration_seconds,
             updated_at = EXCLUDED.updated_at,
             report_sequence = nextval('playback_report_seq')
       RETURNING ${PROGRESS_COLUMNS}`,
      [
        progress.profile_id,
        progress.title_id,
        progress.episode_id,
        progress.position_seconds,
        progress.duration_seconds,
        progress.at,
      ],
    );
    if (!row) throw new Error('progress upsert returned no row');
    return row;
  }

  /**
   * The latest report per title (a series shows once, at its most recent episode), kept when it
   * is strictly between 5% and 95% watched (the integer comparisons of isInProgress), most
   * recent first.
   */
  inProgress(manager: EntityManager, profileId: string, limit: number): Promise<ProgressRow[]> {
    return manager.query<ProgressRow[]>(
      `SELECT ${PROGRESS_COLUMNS} FROM (
         SELECT DISTINCT ON (title_id) ${PROGRESS_COLUMNS}, report_sequence
           FROM playback_progress WHERE profile_id = $1
          ORDER BY title_id, report_sequence DESC
       ) latest
       WHERE 20 * position_seconds > duration_seconds AND 20 * position_seconds < 19 * duration_seconds
       ORDER BY report_sequence DESC
       LIMIT $2`,
      [profileId, limit],
    );
  }
}
