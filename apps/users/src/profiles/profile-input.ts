import { MaturityRating } from '@kinema/contracts';
import { longerThan, type Violations } from '../common/input-rules';
import { toStoredMaturity } from './profile.mapper';

export const MAX_PROFILES_PER_ACCOUNT = 5;
export const PROFILE_NAME_MAX_LENGTH = 50;
export const KIDS_DEFAULT_MATURITY = MaturityRating.MATURITY_RATING_KIDS_7;
/** The highest ceiling a kids profile may have. */
export const KIDS_MAX_MATURITY = MaturityRating.MATURITY_RATING_TEEN_13;

const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A profile name trimmed; 1..50 characters, no control characters. */
export function checkProfileName(violations: Violations, field: string, raw: string): string {
  const name = raw.trim();
  if (name === '') violations.add(field, 'is required');
  else if (longerThan(name, PROFILE_NAME_MAX_LENGTH))
    violations.add(field, `must be at most ${PROFILE_NAME_MAX_LENGTH} characters`);
  else if (CONTROL_CHARACTERS.test(name))
    violations.add(field, 'must not contain control characters');
  return name;
}

/**
 * The stored ceiling of a new profile. Kids profiles default to KIDS_7 and may not go above
 * TEEN_13; other profiles default to no ceiling.
 */
export function checkMaturityCeiling(
  violations: Violations,
  field: string,
  kids: boolean,
  rating: MaturityRating,
): number | null {
  const effective =
    kids && rating === MaturityRating.MATURITY_RATING_UNSPECIFIED ? KIDS_DEFAULT_MATURITY : rating;
  const stored = toStoredMaturity(effective);
  if (stored === undefined) {
    violations.add(field, 'must be a known maturity rating');
    return null;
  }
  const kidsLimit = toStoredMaturity(KIDS_MAX_MATURITY) ?? 0;
  if (kids && stored !== null && stored > kidsLimit)
    violations.add(field, `must be at most ${KIDS_MAX_MATURITY} for a kids profile`);
  return stored;
}
