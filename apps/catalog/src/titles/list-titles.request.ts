import {
  Availability,
  CATALOG_READ_LIMITS,
  FIRST_RELEASE_YEAR,
  latestReleaseYear,
  longerThan,
  MaturityRating,
  TitleSort,
  TitleType,
  type ListTitlesRequest,
  type Visibility,
} from '@kinema/contracts';
import { DomainError, type FieldViolation } from '@kinema/platform';
import { exactNameOf, searchTerms } from './search-query';
import { filterDigest, type CursorCodec } from './title-cursor';
import { toStoredAvailability, toStoredMaturity, toStoredType } from './title.mapper';
import type { ListTitlesQuery, VisibilityFilter } from './titles-read.repository';

const {
  defaultPageSize: DEFAULT_PAGE_SIZE,
  maxPageSize: MAX_PAGE_SIZE,
  queryLength: MAX_QUERY_LENGTH,
} = CATALOG_READ_LIMITS;

/** A ListTitlesRequest checked and resolved, plus the digest its cursors are bound to. */
export interface ParsedListRequest {
  query: ListTitlesQuery;
  digest: string;
  /** The search's terms (none without a query); the lexicon may correct their typos. */
  terms: string[];
  /** The query as a whole name would equal it (see exactNameOf); '' without a query. */
  exactName: string;
}

export function parseVisibility(
  visibility: Visibility | undefined,
  violations: FieldViolation[],
): VisibilityFilter {
  const rating = visibility?.maxMaturity ?? MaturityRating.MATURITY_RATING_UNSPECIFIED;
  const maxMaturity = toStoredMaturity(rating);
  if (rating !== MaturityRating.MATURITY_RATING_UNSPECIFIED && maxMaturity === undefined) {
    violations.push({ field: 'visibility.max_maturity', description: 'unknown maturity rating' });
  }
  return { maxMaturity, includeDrafts: visibility?.includeDrafts ?? false };
}

/**
 * Checks every field of a ListTitlesRequest at once. `genreIds` maps known genre slugs to ids;
 * the cursor is verified last, against the digest of the request's own sort and filters.
 */
export function parseListRequest(
  request: ListTitlesRequest,
  genreIds: ReadonlyMap<string, number>,
  cursors: CursorCodec,
): ParsedListRequest {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field, description });

  const limit = request.limit === 0 ? DEFAULT_PAGE_SIZE : request.limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    fail('limit', `must be from 1 to ${MAX_PAGE_SIZE}, or 0 for ${DEFAULT_PAGE_SIZE}`);

  const genreId = request.genre === '' ? undefined : genreIds.get(request.genre);
  if (request.genre !== '' && genreId === undefined) fail('genre', 'unknown genre');

  const type =
    request.type === TitleType.TITLE_TYPE_UNSPECIFIED ? undefined : toStoredType(request.type);
  if (request.type !== TitleType.TITLE_TYPE_UNSPECIFIED && type === undefined)
    fail('type', 'unknown title type');

  const lastYear = latestReleaseYear();
  const isYear = (year: number) =>
    year === 0 || (Number.isInteger(year) && year >= FIRST_RELEASE_YEAR && year <= lastYear);
  const years = `must be 0 (unbounded) or a year from ${FIRST_RELEASE_YEAR} to ${lastYear}`;
  if (!isYear(request.yearFrom)) fail('year_from', years);
  if (!isYear(request.yearTo)) fail('year_to', years);
  else if (request.yearFrom > 0 && request.yearTo > 0 && request.yearTo < request.yearFrom) {
    fail('year_to', 'must not be before year_from');
  }

  let terms: string[] = [];
  if (request.query !== '') {
    terms = searchTerms(request.query);
    if (longerThan(request.query, MAX_QUERY_LENGTH))
      fail('query', `must have at most ${MAX_QUERY_LENGTH} characters`);
    else if (terms.length === 0) fail('query', 'must contain at least one letter or digit');
  }

  const sort = resolveSort(request.sort, request.query !== '');
  if (!sort)
    fail(
      'sort',
      request.sort === TitleSort.TITLE_SORT_RELEVANCE ? 'relevance needs a query' : 'unknown sort',
    );

  const visibility = parseVisibility(request.visibility, violations);
  const availability =
    request.availability === Availability.AVAILABILITY_UNSPECIFIED
      ? undefined
      : toStoredAvailability(request.availability);
  if (request.availability !== Availability.AVAILABILITY_UNSPECIFIED && !availability)
    fail('availability', 'unknown availability');
  else if (availability === 'draft' && !visibility.includeDrafts)
    fail('availability', 'drafts are listed only with visibility.include_drafts');
  if (violations.length > 0 || !sort) throw DomainError.invalid(violations);

  const digest = filterDigest({
    sort,
    genre: genreId ?? null,
    type: type ?? null,
    yearFrom: request.yearFrom,
    yearTo: request.yearTo,
    terms,
    exactName: exactNameOf(request.query),
    maxMaturity: visibility.maxMaturity ?? null,
    includeDrafts: visibility.includeDrafts,
    availability: availability ?? null,
  });
  const after = request.cursor === '' ? undefined : cursors.decode(request.cursor, sort, digest);
  if (request.cursor !== '' && !after) {
    throw DomainError.invalid([
      {
        field: 'cursor',
        description: 'is not a cursor of this listing (sort and filters must stay the same)',
      },
    ]);
  }
  return {
    digest,
    terms,
    exactName: exactNameOf(request.query),
    query: {
      sort,
      visibility,
      availability,
      genreId,
      type,
      yearFrom: request.yearFrom > 0 ? request.yearFrom : undefined,
      yearTo: request.yearTo > 0 ? request.yearTo : undefined,
      after,
      limit,
    },
  };
}

function resolveSort(sort: TitleSort, hasQuery: boolean): ListTitlesQuery['sort'] | undefined {
  switch (sort) {
    case TitleSort.TITLE_SORT_UNSPECIFIED:
      return hasQuery ? 'relevance' : 'name';
    case TitleSort.TITLE_SORT_NAME:
      return 'name';
    case TitleSort.TITLE_SORT_NEWEST:
      return 'newest';
    case TitleSort.TITLE_SORT_POPULAR:
      return 'popular';
    case TitleSort.TITLE_SORT_RELEVANCE:
      return hasQuery ? 'relevance' : undefined;
    case TitleSort.TITLE_SORT_TRENDING:
      return 'trending';
    default:
      return undefined;
  }
}
