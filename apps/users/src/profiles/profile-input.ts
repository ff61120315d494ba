import {
  ACCOUNT_LIMITS,
  KIDS_DEFAULT_CEILING,
  KIDS_MAX_CEILING,
  longerThan,
  MATURITY_RATINGS,
  MaturityRating,
} from '@kinema/contracts';
import type { Violations } from '../common/input-rules';
import { toStoredMaturity } from './profile.mapper';

const PROFILE_NAME_MAX_LENGTH = ACCOUNT_LIMITS.profileNameLength;

const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A profile name trimmed; 1 to ACCOUNT_LIMITS.profileNameLength characters, no control characters. */
export function checkProfileName(violations: Violations, field: string, raw: string): string {
  const name = raw.trim();
  // A name of spaces alone was given, and is blank; an empty one is a missing one (proto3).
  if (name === '') violations.add(field, raw === '' ? 'is required' : 'must not be blank');
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
    kids && rating === MaturityRating.MATURITY_RATING_UNSPECIFIED ? KIDS_DEFAULT_CEILING : rating;
  const stored = toStoredMaturity(effective);
  if (stored === undefined) {
    violations.add(field, 'must be a known maturity rating');
    return null;
  }
  const kidsLimit = toStoredMaturity(KIDS_MAX_CEILING) ?? 0;
  if (kids && stored !== null && stored > kidsLimit) {
    const name = MATURITY_RATINGS.toName(KIDS_MAX_CEILING) ?? KIDS_MAX_CEILING;
    violations.add(field, `must be at most ${name} for a kids profile`);
  }
  return stored;
}
