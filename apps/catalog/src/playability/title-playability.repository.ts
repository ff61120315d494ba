import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { playableExpression } from '../titles/titles-write.repository';
import type { VideoTarget } from './video-event.payload';

// Every statement sets state rather than toggling it, and matches only when the state differs,
// so applying the same event twice changes nothing the second time. Each reports whether it
// changed a row, which decides whether the title gets a new version and a TitleUpdated.

/** The playability writes of the video events consumer, inside the consumer's transaction. */
@Injectable()
export class TitlePlayabilityRepository {
  /** Locks the title for the rest of the transaction (as edits do); false when it does not exist. */
  async lockTitle(manager: EntityManager, titleId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>('SELECT id FROM titles WHERE id = $1 FOR UPDATE', [
      titleId,
    ]);
    return rows.length > 0;
  }

  /** Makes `videoId` the current video of the target, with its duration. */
  async setCurrentVideo(
    manager: EntityManager,
    target: VideoTarget,
    videoId: string,
    durationSeconds: number,
  ): Promise<boolean> {
    if (target.episodeId === null) {
      return changed(
        await manager.query<UpdateResult>(
          `UPDATE titles SET video_id = $2, duration_seconds = $3
           WHERE id = $1 AND (video_id IS DISTINCT FROM $2 OR duration_seconds <> $3)
`,
          [target.titleId, videoId, durationSeconds],
        ),
      );
    }
    return changed(
      await manager.query<UpdateResult>(
        `UPDATE episodes e SET video_id = $3, duration_seconds = $4, playable = true
         FROM seasons s
         WHERE e.id = $2 AND s.id = e.season_id AND s.title_id = $1
           AND (e.video_id IS DISTINCT FROM $3 OR e.duration_seconds <> $4 OR NOT e.playable)
`,
        [target.titleId, target.episodeId, videoId, durationSeconds],
      ),
    );
  }

  /**
   * Clears the target's video only when `videoId` is its current one: a failed replacement
   * leaves the earlier ready video (and playability) in place.
   */
  async clearVideoIfCurrent(
    manager: EntityManager,
    target: VideoTarget,
    videoId: string,
  ): Promise<boolean> {
    if (target.episodeId === null) {
      return changed(
        await manager.query<UpdateResult>(
          `UPDATE titles SET video_id = NULL, duration_seconds = 0
           WHERE id = $1 AND video_id = $2`,
          [target.titleId, videoId],
        ),
      );
    }
    return changed(
      await manager.query<UpdateResult>(
        `UPDATE episodes e SET video_id = NULL, duration_seconds = 0, playable = false
         FROM seasons s
         WHERE e.id = $2 AND s.id = e.season_id AND s.title_id = $1 AND e.video_id = $3
`,
        [target.titleId, target.episodeId, videoId],
      ),
    );
  }

  /**
   * After a change: recomputes the title's playability (its own video or any playable episode)
   * and gives it a new version, since what GetTitle answers has changed.
   */
  async touchTitle(manager: EntityManager, titleId: string): Promise<void> {
    await manager.query(
      `UPDATE titles t SET playable = ${playableExpression}, version = t.version + 1, updated_at = now()
       WHERE t.id = $1`,
      [titleId],
    );
  }
}

type UpdateResult = [rows: unknown[], affected: number];

// TypeORM's PostgreSQL driver answers an UPDATE with [rows, affected row count].
function changed([, affected]: UpdateResult): boolean {
  return affected > 0;
}
