import { KIDS_CEILINGS } from './maturity-names';
import { MATURITY_RATINGS } from './vocabulary';

/** The ceiling a kids profile gets when none is asked for. */
export const KIDS_DEFAULT_CEILING = MATURITY_RATINGS.toProto(KIDS_CEILINGS.default);
/** The loosest ceiling a kids profile may have. */
export const KIDS_MAX_CEILING = MATURITY_RATINGS.toProto(KIDS_CEILINGS.max);
