import { MaturityRating } from '../generated/kinema/catalog/v1/title';

/** The ceiling a kids profile gets when none is asked for. */
export const KIDS_DEFAULT_CEILING = MaturityRating.MATURITY_RATING_KIDS_7;
/** The loosest ceiling a kids profile may have. */
export const KIDS_MAX_CEILING = MaturityRating.MATURITY_RATING_TEEN_13;
