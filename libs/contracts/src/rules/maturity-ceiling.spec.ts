import { MaturityRating } from '../generated/kinema/catalog/v1/title';
import { stricterCeiling } from './vocabulary';

const {
  MATURITY_RATING_UNSPECIFIED: NONE,
  MATURITY_RATING_KIDS_7: KIDS,
  MATURITY_RATING_ADULT_18: ADULT,
  MATURITY_RATING_TEEN_13: TEEN,
} = MaturityRating;

describe('stricterCeiling', () => {
  it.each([
    [KIDS, NONE, KIDS],
    [NONE, TEEN, TEEN],
    [KIDS, ADULT, KIDS],
    [ADULT, TEEN, TEEN],
    [NONE, NONE, NONE],
  ])('of the profile %s and the asked-for %s is %s', (profile, asked, expected) => {
    expect(stricterCeiling(profile, asked)).toBe(expected);
  });

  it('never lets a client widen a kids profile', () => {
    for (const asked of Object.values(MaturityRating)) {
      expect([MaturityRating.MATURITY_RATING_ALL, KIDS]).toContain(stricterCeiling(KIDS, asked));
    }
  });
});
