import { FIRST_RELEASE_YEAR, latestReleaseYear } from '@kinema/contracts/catalog-limits';
import type { GenreSlug, TitleType } from '../schema/types';

/** The Type filter's choices, in the order it offers them. */
export const TITLE_TYPES: readonly { value: TitleType; label: string }[] = [
  { value: 'movie', label: 'Films' },
  { value: 'series', label: 'Series' },
];

/** The filters a search sends: only values the API takes. */
export interface SearchFilters {
  genre?: GenreSlug;
  type?: TitleType;
  yearFrom?: number;
  yearTo?: number;
}

/** What the year fields say is wrong with what they hold. */
export interface YearErrors {
  yearFrom?: string;
  yearTo?: string;
}

/**
 * The filters in a search page's address, and what is wrong with its years. A year is typed a
 * digit at a time: until it is one the catalog's titles can have, it filters nothing, and it is
 * called wrong only once it has four digits. A genre or type the API does not know (an old or
 * edited link) is left out. `genres` is the catalog's list, undefined until it has loaded: a
 * genre is not sent before it can be checked.
 */
export function searchFilters(
  params: URLSearchParams,
  genres: readonly GenreSlug[] | undefined,
  now: Date = new Date(),
): { filters: SearchFilters; errors: YearErrors; waitingForGenres: boolean } {
  const latest = latestReleaseYear(now);
  const year = (name: 'yearFrom' | 'yearTo', label: string) => {
    const text = params.get(name) ?? '';
    const value = Number(text);
    if (/^\d+$/.test(text) && value >= FIRST_RELEASE_YEAR && value <= latest) return { value };
    if (text.length < 4) return {};
    return { error: `${label}: a year from ${FIRST_RELEASE_YEAR} to ${latest}` };
  };
  const from = year('yearFrom', 'From year');
  const to = year('yearTo', 'To year');
  const backwards = from.value !== undefined && to.value !== undefined && to.value < from.value;
  const genre = params.get('genre') ?? '';
  const known = genres?.find((slug) => slug === genre);
  const type = TITLE_TYPES.find((choice) => choice.value === params.get('type'))?.value;
  return {
    filters: {
      ...(known ? { genre: known } : {}),
      ...(type ? { type } : {}),
      ...(from.value !== undefined ? { yearFrom: from.value } : {}),
      ...(to.value !== undefined && !backwards ? { yearTo: to.value } : {}),
    },
    errors: {
      ...(from.error ? { yearFrom: from.error } : {}),
      ...(to.error ? { yearTo: to.error } : {}),
      ...(backwards ? { yearTo: 'To year: not before From year' } : {}),
    },
    waitingForGenres: genre !== '' && genres === undefined,
  };
}
