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
