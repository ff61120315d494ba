import {
  defaultDemoOptions,
  generateDemoCatalog,
  type DemoOptions,
  type DemoTitle,
} from './demo-catalog.generator';

/** Runs one SQL statement; satisfied by a TypeORM QueryRunner/EntityManager or a pg client. */
export type RunQuery = (sql: string, params: unknown[]) => Promise<unknown>;

// Each table gets one INSERT ... SELECT FROM unnest(...) per batch: a handful of array
// parameters instead of thousands of placeholders, and a single round trip per table.

/** Inserts generated titles with their genres, credits, seasons and episodes. */
export async function insertDemoTitles(
  query: RunQuery,
  titles: readonly DemoTitle[],
): Promise<void> {
  if (titles.length === 0) return;
  const col = <T>(pick: (title: DemoTitle) => T) => titles.map(pick);
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
  const seasons = titles.flatMap((t) => t.seasons.map((season) => ({ titleId: t.id, ...season })));
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

export interface LoadOptions {
  count: number;
  /** Titles per batch; each batch is one transaction when `transaction` is given. */
  batchSize?: number;
  demo?: Partial<DemoOptions>;
  /** Wraps each batch, e.g. in a transaction; defaults to running it as is. */
  transaction?: (work: () => Promise<void>) => Promise<void>;
  onProgress?: (loaded: number) => void;
}

/** Generates and inserts `count` titles batch by batch, so memory stays flat at any size. */
export async function loadDemoCatalog(query: RunQuery, options: LoadOptions): Promise<void> {
  const demo: DemoOptions = { ...defaultDemoOptions, ...options.demo };
  const batchSize = options.batchSize ?? 5_000;
  const inBatch = options.transaction ?? ((work: () => Promise<void>) => work());
  for (let from = 0; from < options.count; from += batchSize) {
    const titles = generateDemoCatalog(Math.min(batchSize, options.count - from), demo, from);
    await inBatch(() => insertDemoTitles(query, titles));
    options.onProgress?.(from + titles.length);
  }
}
