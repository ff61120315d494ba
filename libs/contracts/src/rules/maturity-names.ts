/**
 * The maturity ratings as the REST API names them, mildest first. Imports nothing, so the web app
 * can take it as it is (`@kinema/contracts/maturity-names`); MATURITY_RATINGS pairs each name
 * with its proto value.
 */
export const MATURITY_RATING_NAMES = ['all', '7+', '13+', '16+', '18+'] as const;
export type MaturityRatingName = (typeof MATURITY_RATING_NAMES)[number];

/**
 * A kids profile's ceilings: the one it gets when none is asked for, and the loosest it may have.
 * KIDS_DEFAULT_CEILING and KIDS_MAX_CEILING are these as proto values.
 */
export const KIDS_CEILINGS = { default: '7+', max: '13+' } as const satisfies Record<
  string,
  MaturityRatingName
>;

/** The ceilings a kids profile may be given, mildest first: what a form should offer. */
export const KIDS_CEILING_NAMES: readonly MaturityRatingName[] = MATURITY_RATING_NAMES.slice(
  0,
  MATURITY_RATING_NAMES.indexOf(KIDS_CEILINGS.max) + 1,
);
