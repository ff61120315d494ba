import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ValidTitle } from './title-input.validator';

type ValidSeason = ValidTitle['seasons'][number];

/** A complete title with the ids of it and its parts, as an import (the demo catalog) brings it. */
export interface ImportedTitle extends Omit<ValidTitle, 'seasons'> {
  id: string;
  seasons: Array<
    Omit<ValidSeason, 'episodes'> & {
      id: string;
      episodes: Array<ValidSeason['episodes'][number] & { id: string }>;
    }
  >;
}

/**
 * The catalog's write statements. Each takes the EntityManager of the caller's transaction, so a
 * write and whatever must commit with it (an outbox event) share one transaction.
 */
@Injectable()
export class TitlesWriteRepository {
  async insert(manager: EntityManager, id: string, title: ValidTitle): Promise<void> {
    await manager.query(
      `INSERT INTO titles (id, ${WRITABLE.join(', ')}) VALUES ($1, ${WRITABLE.map((_, i) => `$${i + 2}`).join(', ')})`,
      [id, ...writableValues(title)],
    );
    // Every title has a trending row (score 0 until viewed) so the TRENDING sort lists them all.
    await manager.query('INSERT INTO title_trending (title_id) VALUES ($1)', [id]);
    await this.replaceChildren(manager, id, title);
  }

  /**
   * Inserts complete titles (ids included) with their genres, credits, seasons and episodes, a
   * handful of statements for the whole batch: one INSERT ... SELECT FROM unnest(...) per table,
   * array parameters instead of thousands of placeholders.
   */
  async insertMany(manager: EntityManager, titles: readonly ImportedTitle[]): Promise<void> {
    if (titles.length === 0) return;
    const query = (sql: string, params: unknown[]) => manager.query(sql, params);
    const col = <T>(pick: (title: ImportedTitle) => T) => titles.map(pick);
    await query(
      `INSERT INTO titles (id, slug, type, name, synopsis, release_year, runtime_minutes, maturity, poster_key,
         backdrop_key, availability, popularity)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::smallint[],
         $8::smallint[], $9::text[], $10::text[], $11::text[], $12::double precision[])`,
      [
        col((t) => t.id),
        col((t) => t.slug),
        col((t) => t.type),
        col((t) => t.name),
        col((t) => t.synopsis),
        col((t) => t.releaseYear),
        col((t) => t.runtimeMinutes),
        col((t) => t.maturity),
        col((t) => t.posterKey),
        col((t) => t.backdropKey),
        col((t) => t.availability),
        col((t) => t.popularity),
      ],
    );
    // Demo titles start unviewed; the row puts them in the TRENDING sort like any other title.
    await query('INSERT INTO title_trending (title_id) SELECT * FROM unnest($1::uuid[])', [
      col((t) => t.id),
    ]);
    const genres = titles.flatMap((t) => t.genreIds.map((genreId) => [t.id, genreId] as const));
    await query(
      'INSERT INTO title_genres (title_id, genre_id) SELECT * FROM unnest($1::uuid[], $2::smallint[])',
      [genres.map(([titleId]) => titleId), genres.map(([, genreId]) => genreId)],
    );
    const credits = titles.flatMap((t) =>
      t.credits.map((credit, position) => ({ titleId: t.id, position, ...credit })),
    );
    await query(
      `INSERT INTO credits (title_id, position, person_name, role, character)
       SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::text[], $5::text[])`,
      [
        credits.map((c) => c.titleId),
        credits.map((c) => c.position),
        credits.map((c) => c.personName),
        credits.map((c) => c.role),
        credits.map((c) => c.character),
      ],
    );
    await this.refreshSearch(
      manager,
      titles.map((t) => t.id),
    );
    const seasons = titles.flatMap((t) =>
      t.seasons.map((season) => ({ titleId: t.id, ...season })),
    );
    if (seasons.length === 0) return;
    await query(
      `INSERT INTO seasons (id, title_id, number, name, release_year)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::smallint[])`,
      [
        seasons.map((s) => s.id),
        seasons.map((s) => s.titleId),
        seasons.map((s) => s.number),
        seasons.map((s) => s.name),
        seasons.map((s) => s.releaseYear),
      ],
    );
    const episodes = seasons.flatMap((s) =>
      s.episodes.map((episode) => ({ seasonId: s.id, ...episode })),
    );
    await query(
      `INSERT INTO episodes (id, season_id, number, name, synopsis, runtime_minutes)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::text[], $6::smallint[])`,
      [
        episodes.map((e) => e.id),
        episodes.map((e) => e.seasonId),
        episodes.map((e) => e.number),
        episodes.map((e) => e.name),
        episodes.map((e) => e.synopsis),
        episodes.map((e) => e.runtimeMinutes),
      ],
    );
  }

  /** Locks the title row for the rest of the transaction; undefined when it does not exist. */
  async lockVersion(manager: EntityManager, id: string): Promise<number | undefined> {
    const rows = await manager.query<Array<{ version: number }>>(
      'SELECT version FROM titles WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0]?.version;
  }

  /** Overwrites every writable field and moves the version (the ETag) on. */
  async replace(manager: EntityManager, id: string, title: ValidTitle): Promise<void> {
    await manager.query(
      `UPDATE titles SET ${WRITABLE.map((column, i) => `${column} = $${i + 2}`).join(', ')},
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, ...writableValues(title)],
    );
    await this.replaceChildren(manager, id, title);
    // Removing the only playable episodes (or turning a series into a movie) changes playability.
    await manager.query(`UPDATE titles t SET playable = ${playableExpression} WHERE t.id = $1`, [
      id,
    ]);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query('DELETE FROM titles WHERE id = $1', [id]);
  }

  private async replaceChildren(
    manager: EntityManager,
    titleId: string,
    title: ValidTitle,
  ): Promise<void> {
    await manager.query('DELETE FROM title_genres WHERE title_id = $1', [titleId]);
    if (title.genreIds.length > 0) {
      await manager.query(
        'INSERT INTO title_genres (title_id, genre_id) SELECT $1, genre_id FROM unnest($2::smallint[]) AS genre_id',
        [titleId, title.genreIds],
      );
    }
    await manager.query('DELETE FROM credits WHERE title_id = $1', [titleId]);
    if (title.credits.length > 0) {
      await manager.query(
        `INSERT INTO credits (title_id, position, person_name, role, character)
         SELECT $1, c.position, c.person_name, c.role, c.character
         FROM unnest($2::smallint[], $3::text[], $4::text[], $5::text[]) AS c (position, person_name, role, character)`,
        [
          titleId,
          title.credits.map((_, index) => index),
          title.credits.map((credit) => credit.personName),
          title.credits.map((credit) => credit.role),
          title.credits.map((credit) => credit.character),
        ],
      );
    }
    await this.replaceSeasons(manager, titleId, title.seasons);
    await this.refreshSearch(manager, [titleId]);
  }

  /**
   * After a title's credits or genres were written: the names search reads on the title row, and
   * its words in the lexicon typo correction draws from (words are never removed: a stale one
   * costs a correction that finds nothing).
   */
  private async refreshSearch(manager: EntityManager, ids: readonly string[]): Promise<void> {
    await manager.query(
      `UPDATE titles t SET
         credit_names = coalesce((SELECT string_agg(c.person_name, ' ' ORDER BY c.position)
           FROM credits c WHERE c.title_id = t.id), ''),
         genre_names = coalesce((SELECT string_agg(g.name, ' ' ORDER BY g.position)
           FROM title_genres tg JOIN genres g ON g.id = tg.genre_id WHERE tg.title_id = t.id), '')
       WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    await manager.query(
      `INSERT INTO search_words (word)
       SELECT DISTINCT u.lexeme FROM titles t, unnest(t.search_vector) u WHERE t.id = ANY($1::uuid[])
       ON CONFLICT DO NOTHING`,
      [ids],
    );
  }

  // Seasons and episodes are matched by number and updated in place rather than recreated, so
  // their ids (which playback progress and videos refer to) and playable flags survive edits.
  private async replaceSeasons(
    manager: EntityManager,
    titleId: string,
    seasons: ValidTitle['seasons'],
  ): Promise<void> {
    await manager.query(
      'DELETE FROM seasons WHERE title_id = $1 AND NOT (number = ANY($2::integer[]))',
      [titleId, seasons.map((season) => season.number)],
    );
    if (seasons.length === 0) return;
    const stored = await manager.query<Array<{ id: string; number: number }>>(
      `INSERT INTO seasons (id, title_id, number, name, release_year)
       SELECT s.id, $1, s.number, s.name, s.release_year
       FROM unnest($2::uuid[], $3::integer[], $4::text[], $5::smallint[]) AS s (id, number, name, release_year)
       ON CONFLICT (title_id, number) DO UPDATE SET name = EXCLUDED.name, release_year = EXCLUDED.release_year
       RETURNING id, number`,
      [
        titleId,
        seasons.map(() => randomUUID()),
        seasons.map((season) => season.number),
        seasons.map((season) => season.name),
        seasons.map((season) => season.releaseYear),
      ],
    );
    const seasonIds = new Map(stored.map((row) => [row.number, row.id]));
    const episodes = seasons.flatMap((season) =>
      season.episodes.map((episode) => ({
        ...episode,
        seasonId: seasonIds.get(season.number) ?? '',
      })),
    );
    await manager.query(
      `DELETE FROM episodes e USING seasons s
       WHERE e.season_id = s.id AND s.title_id = $1
         AND (e.season_id, e.number) NOT IN (SELECT * FROM unnest($2::uuid[], $3::integer[]))`,
      [
        titleId,
        episodes.map((episode) => episode.seasonId),
        episodes.map((episode) => episode.number),
      ],
    );
    if (episodes.length === 0) return;
    await manager.query(
      `INSERT INTO episodes (id, season_id, number, name, synopsis, runtime_minutes)
       SELECT e.id, e.season_id, e.number, e.name, e.synopsis, e.runtime_minutes
       FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::text[], $6::smallint[])
         AS e (id, season_id, number, name, synopsis, runtime_minutes)
       ON CONFLICT (season_id, number) DO UPDATE
         SET name = EXCLUDED.name, synopsis = EXCLUDED.synopsis, runtime_minutes = EXCLUDED.runtime_minutes`,
      [
        episodes.map(() => randomUUID()),
        episodes.map((episode) => episode.seasonId),
        episodes.map((episode) => episode.number),
        episodes.map((episode) => episode.name),
        episodes.map((episode) => episode.synopsis),
        episodes.map((episode) => episode.runtimeMinutes),
      ],
    );
  }
}

/**
 * Whether title `t` can be streamed: its own current video is ready, or (a series) one of its
 * episodes is. Evaluated against the row being updated, so it reads that transaction's writes.
 */
export const playableExpression = `(t.video_id IS NOT NULL OR EXISTS (
    SELECT 1 FROM seasons s JOIN episodes e ON e.season_id = s.id
    WHERE s.title_id = t.id AND e.playable))`;

/** The columns a TitleInput sets, in the order writableValues gives them. */
const WRITABLE = [
  'slug',
  'type',
  'name',
  'synopsis',
  'release_year',
  'runtime_minutes',
  'maturity',
  'poster_key',
  'backdrop_key',
  'availability',
  'popularity',
] as const;

function writableValues(title: ValidTitle): unknown[] {
  return [
    title.slug,
    title.type,
    title.name,
    title.synopsis,
    title.releaseYear,
    title.runtimeMinutes,
    title.maturity,
    title.posterKey,
    title.backdropKey,
    title.availability,
    title.popularity,
  ];
}
