import { KIDS_CEILING_NAMES, MATURITY_RATINGS, MaturityRating } from '@kinema/contracts';
import type { DomainError } from '@kinema/platform';
import { Violations } from '../common/input-rules';
import { checkMaturityCeiling, checkProfileName } from './profile-input';
import { fromStoredMaturity } from './profile.mapper';

function ceiling(
  kids: boolean,
  rating: MaturityRating,
): { stored: number | null; violated: boolean } {
  const violations = new Violations();
  const stored = checkMaturityCeiling(violations, 'max_maturity', kids, rating);
  return { stored, violated: !violations.empty };
}

describe('profile maturity ceilings', () => {
  it('default kids profiles to KIDS_7 and others to no ceiling', () => {
    expect(
      fromStoredMaturity(ceiling(true, MaturityRating.MATURITY_RATING_UNSPECIFIED).stored),
    ).toBe(MaturityRating.MATURITY_RATING_KIDS_7);
    expect(ceiling(false, MaturityRating.MATURITY_RATING_UNSPECIFIED)).toEqual({
      stored: null,
      violated: false,
    });
  });

  it('let kids profiles go up to TEEN_13 and no further', () => {
    expect(ceiling(true, MaturityRating.MATURITY_RATING_TEEN_13).violated).toBe(false);
    expect(ceiling(true, MaturityRating.MATURITY_RATING_TEEN_16).violated).toBe(true);
    expect(ceiling(false, MaturityRating.MATURITY_RATING_ADULT_18).violated).toBe(false);
  });

  it('accept for a kids profile exactly the ceilings the web app offers', () => {
    const accepted = MATURITY_RATINGS.values.filter(
      (name) => !ceiling(true, MATURITY_RATINGS.toProto(name)).violated,
    );
    expect(accepted).toEqual(KIDS_CEILING_NAMES);
  });

  it('refuse ratings the contract does not know', () => {
    expect(ceiling(false, MaturityRating.UNRECOGNIZED).violated).toBe(true);
  });
});

describe('profile names', () => {
  it('are trimmed and must have 1 to 50 characters without control characters', () => {
    const violations = new Violations();
    expect(checkProfileName(violations, 'name', '  Ada  ')).toBe('Ada');
    expect(violations.empty).toBe(true);
    for (const bad of ['', '   ', 'x'.repeat(51), 'tab\there']) {
      const each = new Violations();
      checkProfileName(each, 'name', bad);
      expect(each.empty).toBe(false);
    }
  });

  it('say a name of spaces alone is blank, not missing', () => {
    const said = (raw: string) => {
      const violations = new Violations();
      checkProfileName(violations, 'name', raw);
      try {
        violations.throwIfAny();
      } catch (error) {
        return (error as DomainError).fieldViolations.map((v) => v.description);
      }
      return [];
    };
    expect(said('   ')).toEqual(['must not be blank']);
    expect(said('')).toEqual(['is required']);
  });
});
