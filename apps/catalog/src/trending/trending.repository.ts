import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { addDays, type TitleView } from './playback-event.payload';

/** Days in the trending window: today and the six before it (UTC). */
export const TRENDING_WINDOW_DAYS = 7;

/**
 * Trending counts. Invariant: a title's score is the number of its `title_views` rows whose day
 * is on or after `trending_window.first_day`. A view adds 1 only when its row is new (the primary
 * key absorbs repeats); moving the window subtracts the days that leave it, once each.
 */
@Injectable()
export class TrendingRepository {
  /** Records a view; true when it counted (a new profile-day for the title, inside the window). */
  async recordView(manager: EntityManager, view: TitleView): Promise<boolean> {
    // FOR SHARE: the window cannot move between this check and the commit, which would leave a
    // view counted for a day already subtracted. Views share the lock; only the window job waits.
    const [window] = await manager.query<Array<{ first_day: string }>>(
      'SELECT first_day::text AS first_day FROM trending_window FOR SHARE',
    );
    // A view from a day that has left the window would never be subtracted again: skip it.
    if (!window || view.day < window.first_day) return false;
    const counted = await manager.query<unknown[]>(
      `WITH inserted AS (
         INSERT INTO title_views (title_id, profile_id, day)
         SELECT $1, $2, $3::date WHERE EXISTS (SELECT 1 FROM titles WHERE id = $1)
         ON CONFLICT DO NOTHING
         RETURNING title_id
       )
       UPDATE title_trending tt SET score = tt.score + 1 FROM inserted
       WHERE tt.title_id = inserted.title_id
       RETURNING tt.title_id`,
      [view.titleId, view.profileId, view.day],
    );
    return updatedRows(counted) > 0;
  }

  /**
   * Moves the window so it starts `TRENDING_WINDOW_DAYS - 1` days before `today`, subtracting
   * the views of the days that leave it and deleting their rows. Replicas may all call it: the
   * row lock serialises them and the later ones find nothing left to move. Answers the new first day.
   */
  async advanceWindow(manager: EntityManager, today: string): Promise<string> {
    const [window] = await manager.query<Array<{ first_day: string }>>(
      'SELECT first_day::text AS first_day FROM trending_window FOR UPDATE',
    );
    if (!window) throw new Error('trending_window has no row; migrations have not run');
    const firstDay = addDays(today, -(TRENDING_WINDOW_DAYS - 1));
    if (window.first_day >= firstDay) return window.first_day;
    await manager.query(
      `UPDATE title_trending tt SET score = tt.score - expired.views
       FROM (SELECT title_id, count(*)::integer AS views FROM title_views
             WHERE day >= $1::date AND day < $2::date GROUP BY title_id) expired
       WHERE tt.title_id = expired.title_id`,
      [window.first_day, firstDay],
    );
    await manager.query('DELETE FROM title_views WHERE day < $1::date', [firstDay]);
    await manager.query('UPDATE trending_window SET first_day = $1::date', [firstDay]);
    return firstDay;
  }
}

// TypeORM's PostgreSQL driver answers an UPDATE with [rows, affected row count].
function updatedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
