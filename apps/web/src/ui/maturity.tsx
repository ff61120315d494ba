import { KIDS_CEILINGS } from '@kinema/contracts/maturity-names';
import type { Maturity, Profile } from '../schema/types';

/**
 * How a maturity rating reads to a person: the API's `all` as "All ages" (a lower-case "all" in a
 * badge reads as a stray word), an age as it is ("13+").
 */
export function maturityLabel(rating: Maturity): string {
  return rating === 'all' ? 'All ages' : rating;
}

/** A kids profile's mark, with its ceiling ("Kids · 7+"); nothing for any other profile. */
export function KidsBadge({ profile }: { profile: Profile }) {
  if (!profile.kids) return null;
  return (
    <span className="badge">
      Kids · {maturityLabel(profile.maxMaturity ?? KIDS_CEILINGS.default)}
    </span>
  );
}
