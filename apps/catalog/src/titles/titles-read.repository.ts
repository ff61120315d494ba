import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PreparedQueries } from './prepared-query';
import type { TermLookup, TitleSearch } from './search-query';
import { relevanceKeyOf, type CursorPosition, type ListSort } from './title-cursor';
import type { TitleRow } from './title.mapper';
import type { StoredAvailability, StoredMaturity, StoredTitleType } from './title.model';

/** Who is looking: drafts and titles above the maturity ceiling are invisible unless allowed. */
export interface VisibilityFilter {
  maxMaturity?: StoredMaturity;
  includeDrafts: boolean;
}

export interface ListTitlesQuery {
  sort: ListSort;
  visibility: VisibilityFilter;
  /** Only titles of this availability (within what the visibility shows). */
  availability?: StoredAvailability;
  genreId?: number;
  type?: StoredTitleType;
  yearFrom?: number;
  yearTo?: number;
  /** Sanitised tsqueries (see search-query.ts); required for the relevance sort. */
  search?: TitleSearch;
  after?: CursorPosition;
  limit: number;
}

export type RowWithKey = TitleRow & { sort_key: string | number };

// Genres and credits of the title aliased `alias`. In a page query they are computed in an outer
// query over the page (see pageOf), so they are built for the rows shown, never for rows a sort
// or filter discards.
const detailColumns = (alias: string) =>
  `(SELECT coalesce(json_agg(json_build_object('slug', g.slug, 'name', g.name) ORDER BY g.position), '[]'::json)
    FROM title_genres tg JOIN genres g ON g.id = tg.genre_id WHERE tg.title_id = ${alias}.id) AS genres,
  (SELECT coalesce(json_agg(json_build_object('person_name', c.person_name, 'role', c.role,
      'character', c.character) ORDER BY c.position), '[]'::json)
    FROM credits c WHERE c.title_id = ${alias}.id) AS credits`;
const seasonsColumn = `(SELECT coalesce(json_agg(json_build_object('id', s.id, 'number', s.number, 'name', s.name,
      'release_year', s.release_year, 'episodes',
      (SELECT coalesce(json_agg(json_build_object('id', e.id, 'number', e.number, 'name', e.name, 'synopsis', e.synopsis,
          'runtime_minutes', e.runtime_minutes, 'playable', e.playable, 'duration_seconds', e.duration_seconds)
          ORDER BY e.number), '[]'::json)
        FROM episodes e WHERE e.season_id = s.id)) ORDER BY s.number), '[]'::json)
    FROM seasons s WHERE s.title_id = t.id) AS seasons`;
const titleColumns = `t.id, t.slug, t.type, t.name, t.synopsis, t.release_year, t.runtime_minutes, t.maturity,
  t.poster_key, t.backdrop_key, t.availability, t.playable, t.duration_seconds, t.popularity, t.version,
  t.created_at, t.updated_at`;

/**
 * A page of titles with their genres and credits: `page` selects the rows (plain columns, its own
 * ORDER BY and LIMIT), and the outer query adds the details to those rows only, in `order`.
 */
function pageOf(page: string, order: string): string {
  return `SELECT p.*, ${detailColumns('p')} FROM (${page}) p ORDER BY ${order}`;
}

// Every sort is (key, id) in one direction, so the keyset condition is a row comparison that
// PostgreSQL turns into a single range on the matching (key, id) index. `page` orders a page's
// rows again by the sort_key and id they carry (a numeric key arrives as a string, exact).
const sortSql: Record<
  Exclude<ListSort, 'relevance'>,
  { key: string; order: string; after: string; page: string }
> = {
  name: {
    key: 't.sort_name',
    order: 't.sort_name ASC, t.id ASC',
    after: '(t.sort_name, t.id) > ($K::text, $I::uuid)',
    page: 'p.sort_key ASC, p.id ASC',
  },
  newest: {
    key: 't.release_year',
    order: 't.release_year DESC, t.id DESC',
    after: '(t.release_year, t.id) < ($K::integer, $I::uuid)',
    page: 'p.sort_key DESC, p.id DESC',
  },
  popular: {
    key: 't.popularity',
    order: 't.popularity DESC, t.id DESC',
    after: '(t.popularity, t.id) < ($K::double precision, $I::uuid)',
    page: 'p.sort_key DESC, p.id DESC',
  },
  // Walks title_trending's (score, title_id) index and joins each row to its title.
  trending: {
    key: 'tt.score',
    order: 'tt.score DESC, tt.title_id DESC',
    after: '(tt.score, tt.title_id) < ($K::integer, $I::uuid)',
    page: 'p.sort_key DESC, p.id DESC',
  },
};

// Every title has a title_trending row (written with it), so the inner join drops none.
const trendingJoin = 'JOIN title_trending tt ON tt.title_id = t.id';

/** The catalog's read queries; each answers in one SQL statement, prepared once per connection. */
@Injectable()
export class TitlesReadRepository {
  private readonly queries: PreparedQueries;

  constructor(dataSource: DataSource) {
    this.queries = new PreparedQueries(dataSource);
  }

  /** One page plus one extra row, which tells the caller whether another page exists. */
  async list(query: ListTitlesQuery): Promise<RowWithKey[]> {
    if (query.sort === 'relevance') return this.listByRelevance(query);
    const { text, values } = listStatement(query, query.sort);
    // How many titles a search matches decides the best plan (walk the popularity index or
    // gather the matches from the GIN index), so a search is planned for its own terms each time:
    // a prepared statement's generic plan would cost every search alike.
    return this.queries.rows<RowWithKey>(text, values, undefined, {
      prepare: query.search === undefined,
    });
  }

  /**
   * Search results in relevance order: by tier, the best field that holds every term, then by
   * popularity (most popular first) and id. The tiers, best first: the name is the query itself
   * (4), the name holds every term (3), the people (2), the genres (1), anything else (0: the
   * synopsis, or terms spread over several fields). Each tier is its own branch: a walk of the
   * popularity index with the tier's match as a filter when its titles are many, a GIN index
   * (name, people and genres each have one) and a sort when they are few, so a page costs about
   * the same whether a word matches 10 titles or 100,000; a branch runs only when the tiers
   * above it did not fill the page. A branch takes a title only when no tier above takes it
   * (`search_vector @@ name` holds exactly when `to_tsvector(name) @@ any` does: the search
   * vector is each field's vector with the field's weight), so every title is in one tier and
   * the keyset (tier, popularity, id) pages through each exactly once.
   */
  private async listByRelevance(query: ListTitlesQuery): Promise<RowWithKey[]> {
    const { search } = query;
    if (search === undefined) throw new Error('the relevance sort needs a search');
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const common = filterConditions(query, param);
    const exact = `lower(${param(search.exactName)}) COLLATE "C"`;
    const q = `(SELECT to_tsquery('simple', ${param(search.any)}) AS any,
      to_tsquery('simple', ${param(search.name)}) AS name,
      to_tsquery('simple', ${param(search.people)}) AS people) q`;
    const notExact = `t.sort_name <> ${exact}`;
    // No genre holds every term (see titleSearch): the genre tier is empty and is left out.
    const genres = search.genres === undefined ? undefined : param(search.genres);
    const notGenres =
      genres === undefined ? [] : [`NOT t.search_vector @@ to_tsquery('simple', ${genres})`];
    const tiers: Array<[tier: number, match: string[] | undefined]> = [
      [4, [`t.sort_name = ${exact}`, 't.search_vector @@ q.any']],
      [3, [`to_tsvector('simple'::regconfig, t.name) @@ q.any`, notExact]],
      [
        2,
        [
          `to_tsvector('simple'::regconfig, t.credit_names) @@ q.any`,
          notExact,
          'NOT t.search_vector @@ q.name',
        ],
      ],
      [
        1,
        genres === undefined
          ? undefined
          : [
              `to_tsvector('simple'::regconfig, t.genre_names) @@ q.any`,
              notExact,
              'NOT t.search_vector @@ q.name',
              'NOT t.search_vector @@ q.people',
            ],
      ],
      [
        0,
        [
          't.search_vector @@ q.any',
          notExact,
          'NOT t.search_vector @@ q.name',
          'NOT t.search_vector @@ q.people',
          ...notGenres,
        ],
      ],
    ];
    const after = query.after === undefined ? undefined : relevanceKeyOf(query.after.key);
    const limit = limitOf(query.limit + 1);
    const branches = tiers
      .filter(([tier, match]) => match !== undefined && (after === undefined || tier <= after.tier))
      .map(([tier, match = []]) => {
        const conditions = [...common, ...match];
        if (after !== undefined && query.after && tier === after.tier) {
          conditions.push(
            `(t.popularity, t.id) < (${param(after.popularity)}::double precision, ${param(query.after.id)}::uuid)`,
          );
        }
        return `(SELECT ${titleColumns}, ${tier} AS tier,
          ${tier} || ':' || t.popularity::text AS sort_key FROM titles t, ${q}
          ${where(conditions)} ORDER BY t.popularity DESC, t.id DESC ${limit})`;
      });
    // Without an ORDER BY, the Append runs the branches in turn and the LIMIT stops it once the
    // page is full; the outer query orders the page.
    const page = `SELECT * FROM (${branches.join(' UNION ALL ')}) tiers ${limit}`;
    return this.queries.rows<RowWithKey>(
      pageOf(page, 'p.tier DESC, p.popularity DESC, p.id DESC'),
      params,
      undefined,
      { prepare: false },
    );
  }

  /**
   * For each search term: whether some word of the catalog starts with it, and if none does
   * (only then: the nearest-word search costs a few hundred milliseconds at a million titles),
   * the (at most three) words nearest to it: among the eight nearest by trigram distance (an
   * index walk on the small word table), those within an edit or two (two only for terms of
   * six letters or more, where a swapped pair of letters is two edits) or of trigram similarity
   * 0.3 or more. Terms of fewer than four letters are not corrected: too many words are near.
   */
  async lookUpTerms(terms: readonly string[]): Promise<TermLookup[]> {
    const rows = await this.queries.rows<{ term: string; known: boolean; near: string[] }>(
      `SELECT t.term, k.known,
         CASE WHEN k.known THEN '{}'::text[] ELSE ARRAY(
           SELECT n.word FROM (
             SELECT w.word, w.word <-> t.term AS distance FROM search_words w
             WHERE length(t.term) >= 4 ORDER BY w.word <-> t.term LIMIT 8
           ) n
           WHERE levenshtein(n.word, t.term) <= CASE WHEN length(t.term) >= 6 THEN 2 ELSE 1 END
              OR similarity(n.word, t.term) >= 0.3
           ORDER BY n.distance, n.word LIMIT 3
         ) END AS near
       FROM unnest($1::text[]) AS t (term)
       CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM search_words w
         WHERE w.word >= t.term AND w.word < t.term || chr(1114111)) AS known) k`,
      [terms],
    );
    return rows;
  }

  /** With seasons and episodes; pass a transaction's manager to read that transaction's writes. */
  async get(
    id: string,
    visibility: VisibilityFilter,
    manager?: EntityManager,
  ): Promise<TitleRow | undefined> {
    const params: unknown[] = [id];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions = ['t.id = $1', ...visibilityConditions(visibility, param)];
    const rows = await this.queries.rows<TitleRow>(
      `SELECT ${titleColumns}, ${detailColumns('t')}, ${seasonsColumn} FROM titles t ${where(conditions)}`,
      params,
      manager,
    );
    return rows[0];
  }

  async batchGet(
    ids: readonly string[],
    visibility: VisibilityFilter,
    manager?: EntityManager,
  ): Promise<TitleRow[]> {
    const params: unknown[] = [ids];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions = ['t.id = ANY($1::uuid[])', ...visibilityConditions(visibility, param)];
    return this.queries.rows<TitleRow>(
      `SELECT ${titleColumns}, ${detailColumns('t')} FROM titles t ${where(conditions)}`,
      params,
      manager,
    );
  }

  // The Browse rows: each takes the caller's manager, so all rows come from one snapshot.

  /** The first `limit` browsable titles in one of the catalog-wide orders. */
  async top(
    manager: EntityManager,
    sort: 'newest' | 'popular',
    maxMaturity: StoredMaturity | undefined,
    limit: number,
  ): Promise<TitleRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions = browsableConditions(maxMaturity, param);
    const page = `SELECT ${titleColumns}, ${sortSql[sort].key} AS sort_key FROM titles t
      ${where(conditions)} ORDER BY ${sortSql[sort].order} ${limitOf(limit)}`;
    return this.queries.rows<TitleRow>(pageOf(page, sortSql[sort].page), params, manager);
  }

  /**
   * The browsable titles with the most views in the trending window. `score > 0` bounds the
   * walk of the score index to titles viewed at all, however few of them are playable.
   */
  async topTrending(
    manager: EntityManager,
    maxMaturity: StoredMaturity | undefined,
    limit: number,
  ): Promise<TitleRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions = ['tt.score > 0', ...browsableConditions(maxMaturity, param)];
    const page = `SELECT ${titleColumns}, ${sortSql.trending.key} AS sort_key
      FROM titles t ${trendingJoin} ${where(conditions)}
      ORDER BY ${sortSql.trending.order} ${limitOf(limit)}`;
    return this.queries.rows<TitleRow>(pageOf(page, sortSql.trending.page), params, manager);
  }

  /**
   * The most popular browsable titles of every genre. The LATERAL subquery walks the partial
   * popularity index of browsable titles and probes title_genres per row, stopping after `limit`
   * hits, so the cost is per row shown rather than per title in the genre; genres with no
   * browsable title yield nothing.
   */
  async topByGenre(
    manager: EntityManager,
    maxMaturity: StoredMaturity | undefined,
    limit: number,
  ): Promise<Array<TitleRow & { row_genre_slug: string; row_genre_name: string }>> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions = [
      ...browsableConditions(maxMaturity, param),
      'EXISTS (SELECT 1 FROM title_genres tg WHERE tg.title_id = t.id AND tg.genre_id = row_genre.id)',
    ];
    return this.queries.rows(
      `SELECT row_genre.slug AS row_genre_slug, row_genre.name AS row_genre_name, top.*,
         ${detailColumns('top')}
       FROM genres row_genre
       CROSS JOIN LATERAL (
         SELECT ${titleColumns} FROM titles t ${where(conditions)}
         ORDER BY ${sortSql.popular.order} ${limitOf(limit)}
       ) top
       ORDER BY row_genre.position, top.popularity DESC, top.id DESC`,
      params,
      manager,
    );
  }

  async genres(): Promise<Array<{ id: number; slug: string; name: string }>> {
    return this.queries.rows('SELECT id, slug, name FROM genres ORDER BY position', []);
  }
}

/**
 * The statement of one page of a listing in a key order (every sort but relevance), plus one
 * extra row: its text and values. Exported for tools/bench's floor, which runs the same statement
 * without the service around it.
 */
export function listStatement(
  query: ListTitlesQuery,
  sort: Exclude<ListSort, 'relevance'>,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions = filterConditions(query, param);
  let from = sort === 'trending' ? `titles t ${trendingJoin}` : 'titles t';
  if (query.search !== undefined) {
    from += `, (SELECT to_tsquery('simple', ${param(query.search.any)}) AS query) q`;
    conditions.push('t.search_vector @@ q.query');
  }
  const order = sortSql[sort];
  if (query.after) {
    const { key, id } = query.after;
    conditions.push(order.after.replace('$K', () => param(key)).replace('$I', () => param(id)));
  }
  const page = `SELECT ${titleColumns}, ${order.key} AS sort_key FROM ${from}
      ${where(conditions)} ORDER BY ${order.order} ${limitOf(query.limit + 1)}`;
  return { text: pageOf(page, order.page), values };
}

/** What a listing's filters (not its search) require of a title `t`. */
function filterConditions(query: ListTitlesQuery, param: (value: unknown) => string): string[] {
  const conditions = visibilityConditions(query.visibility, param);
  if (query.availability !== undefined)
    conditions.push(`t.availability = ${param(query.availability)}`);
  if (query.genreId !== undefined) {
    conditions.push(
      `EXISTS (SELECT 1 FROM title_genres tg WHERE tg.title_id = t.id AND tg.genre_id = ${param(query.genreId)})`,
    );
  }
  if (query.type !== undefined) conditions.push(`t.type = ${param(query.type)}`);
  if (query.yearFrom !== undefined) conditions.push(`t.release_year >= ${param(query.yearFrom)}`);
  if (query.yearTo !== undefined) conditions.push(`t.release_year <= ${param(query.yearTo)}`);
  return conditions;
}

function visibilityConditions(
  visibility: VisibilityFilter,
  param: (value: unknown) => string,
): string[] {
  const conditions: string[] = [];
  if (!visibility.includeDrafts) conditions.push(`t.availability = 'published'`);
  if (visibility.maxMaturity !== undefined)
    conditions.push(`t.maturity <= ${param(visibility.maxMaturity)}`);
  return conditions;
}

/**
 * Browse rows show a title only when it is published and playable. Spelled exactly as the
 * predicate of the partial browse indexes, so the planner can prove they apply.
 */
function browsableConditions(
  maxMaturity: StoredMaturity | undefined,
  param: (value: unknown) => string,
): string[] {
  return [
    't.playable',
    `t.availability = 'published'`,
    ...visibilityConditions({ includeDrafts: true, maxMaturity }, param),
  ];
}

/**
 * A LIMIT written into the statement rather than sent as a parameter: a generic plan of the
 * prepared statement (PreparedQueries) then knows how few rows a page needs, where a parameter is costed as a tenth
 * of the table, which on a large catalog favours reading it all and sorting. The limits are
 * validated integers (CATALOG_READ_LIMITS), so the statements stay few.
 */
function limitOf(rows: number): string {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`invalid row limit ${rows}`);
  return `LIMIT ${rows}`;
}

function where(conditions: readonly string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}
