/**
 * The maturity ratings as the REST API names them, mildest first. Imports nothing, so the web app
 * can take it as it is (`@kinema/contracts/maturity-names`); MATURITY_RATINGS pairs each name
 * with its proto value.
 */
export const MATURITY_RATING_NAMES = ['all', '7+', '13+', '16+', '18+'] as const;
export type MaturityRatingName = (typeof MATURITY_RATING_NAMES)[number];
