import { CATALOG_READ_LIMITS, searchWords } from '@kinema/contracts';

// More terms than this add nothing to a title search but cost index lookups.
const MAX_TERMS = CATALOG_READ_LIMITS.queryTerms;

/**
 * Splits free text into searchable terms: its search words, de-duplicated. Everything else
 * (tsquery operators included) is a separator, so the result is safe to splice into a tsquery.
 */
export function searchTerms(query: string): string[] {
  return [...new Set(searchWords(query))].slice(0, MAX_TERMS);
}

/**
 * Which fields of a title a tsquery looks in, as the search vector's weights (name A, people B,
 * genres C, synopsis D; see the SearchPeopleGenresAndTypos migration): '' for every field.
 */
export type FieldWeights = '' | 'A' | 'B' | 'C';

/**
 * A search as the catalog runs it: tsqueries over every field and over each field alone (see
 * the relevance order in titles-read.repository.ts), and the query as typed, which a whole name
 * may equal.
 */
export interface TitleSearch {
  any: string;
  name: string;
  people: string;
  /** Undefined when no genre's words hold every term: then no title's genres can. */
  genres?: string;
  exactName: string;
}

/** The query compared with whole names: trimmed, lower-cased, single-spaced. */
export function exactNameOf(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The tsqueries of a search whose terms the lexicon has looked up (and corrected). `genreWords`
 * are the words of every genre's name, lower-cased: genres are few and fixed, so whether they can
 * hold the terms at all is decided here, where the planner could only guess (its estimate for a
 * prefix that starts no genre word is thousands of titles, and it then walks every title).
 */
export function titleSearch(
  lookups: readonly TermLookup[],
  exactName: string,
  genreWords: readonly string[],
): TitleSearch {
  return {
    any: correctedTsQuery(lookups),
    name: correctedTsQuery(lookups, 'A'),
    people: correctedTsQuery(lookups, 'B'),
    genres: lookups.every((lookup) => matchesAnyOf(lookup, genreWords))
      ? correctedTsQuery(lookups, 'C')
      : undefined,
    exactName,
  };
}

/** Whether a term, as correctedTsQuery spells it, matches one of `words`. */
function matchesAnyOf({ term, known, near }: TermLookup, words: readonly string[]): boolean {
  const corrections = near.filter((word) => PLAIN_WORD.test(word));
  return known || corrections.length === 0
    ? words.some((word) => word.startsWith(term))
    : corrections.some((word) => words.includes(word));
}

/** What the lexicon says of a term: whether a word starts with it, else the words near it. */
export interface TermLookup {
  term: string;
  known: boolean;
  near: readonly string[];
}

/** Only words that are plain runs of letters and digits are spliced into a tsquery. */
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

/**
 * Every term must match (in the fields of `weights`): as a word prefix when some word starts with
 * it, else (a typo) as one of the words near it: `orchrd dri` -> `(orchard) & dri:*`. A term with no word near it stays
 * a prefix, which matches nothing, as it would have anyway.
 */
export function correctedTsQuery(
  lookups: readonly TermLookup[],
  weights: FieldWeights = '',
): string {
  return lookups
    .map(({ term, known, near }) => {
      const words = near.filter((word) => PLAIN_WORD.test(word));
      return known || words.length === 0
        ? `${term}:*${weights}`
        : `(${words.map((word) => (weights ? `${word}:${weights}` : word)).join(' | ')})`;
    })
    .join(' & ');
}
