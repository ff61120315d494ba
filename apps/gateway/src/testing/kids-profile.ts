import { MaturityRating, type Profile } from '@kinema/contracts';

/** A kids profile of account-1 (ceiling 7+), as the users service answers it. */
export function aKidsProfile(id: string): Profile {
  return {
    id,
    accountId: 'account-1',
    name: 'Kids',
    kids: true,
    maxMaturity: MaturityRating.MATURITY_RATING_KIDS_7,
    createTime: undefined,
    updateTime: undefined,
  };
}
