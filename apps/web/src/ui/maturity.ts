import type { Maturity } from '../schema/types';

/**
 * How a maturity rating reads to a person: the API's `all` as "All ages" (a lower-case "all" in a
 * badge reads as a stray word), an age as it is ("13+").
 */
export function maturityLabel(rating: Maturity): string {
  return rating === 'all' ? 'All ages' : rating;
}
