import { MaturityRating } from '@kinema/contracts';

// Least to most restricted audience, as the catalog proto orders them; UNSPECIFIED is "no ceiling".
const ORDER: readonly MaturityRating[] = [
  MaturityRating.MATURITY_RATING_ALL,
  MaturityRating.MATURITY_RATING_KIDS_7,
  MaturityRating.MATURITY_RATING_TEEN_13,
  MaturityRating.MATURITY_RATING_TEEN_16,
  MaturityRating.MATURITY_RATING_ADULT_18,
];

function rank(rating: MaturityRating): number {
  const index = ORDER.indexOf(rating);
  return index === -1 ? Number.POSITIVE_INFINITY : index;
}

/**
 * The stricter of two ceilings. A client may narrow what its profile sees (`maxMaturity`), never
 * widen it: the profile's ceiling always wins over a looser one asked for.
 */
export function stricterCeiling(a: MaturityRating, b: MaturityRating): MaturityRating {
  if (rank(a) === Number.POSITIVE_INFINITY) return b;
  if (rank(b) === Number.POSITIVE_INFINITY) return a;
  return rank(a) <= rank(b) ? a : b;
}
