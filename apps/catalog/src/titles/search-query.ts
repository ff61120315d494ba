import { CATALOG_READ_LIMITS } from '@kinema/contracts';

// More terms than this add nothing to a title search but cost index lookups.
const MAX_TERMS = CATALOG_READ_LIMITS.queryTerms;

/**
 * Splits free text into searchable terms: runs of letters and digits, lower-cased, de-duplicated.
 * Everything else (tsquery operators included) is a separator, so the result is safe to splice
 * into a tsquery.
 */
export function searchTerms(query: string): string[] {
  const terms = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

/** Every term must match, each as a word prefix: `gal dri` -> `gal:* & dri:*`. */
export function prefixTsQuery(terms: readonly string[]): string {
  return terms.map((term) => `${term}:*`).join(' & ');
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
 * Every term must match: as a word prefix when some word starts with it, else (a typo) as one
 * of the words near it: `orchrd dri` -> `(orchard) & dri:*`. A term with no word near it stays
 * a prefix, which matches nothing, as it would have anyway.
 */
export function correctedTsQuery(lookups: readonly TermLookup[]): string {
  return lookups
    .map(({ term, known, near }) => {
      const words = near.filter((word) => PLAIN_WORD.test(word));
      return known || words.length === 0 ? `${term}:*` : `(${words.join(' | ')})`;
    })
    .join(' & ');
}
