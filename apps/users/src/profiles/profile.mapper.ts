import {
  MaturityRating,
  maturityOfRank,
  maturityRank,
  type MaturityRank,
  type Profile,
} from '@kinema/contracts';

/** Stored ceiling (the contract's maturity rank, as the catalog stores it), or null for none. */
export function toStoredMaturity(rating: MaturityRating): MaturityRank | null | undefined {
  if (rating === MaturityRating.MATURITY_RATING_UNSPECIFIED) return null;
  return maturityRank(rating);
}

export function fromStoredMaturity(stored: number | null): MaturityRating {
  return stored === null ? MaturityRating.MATURITY_RATING_UNSPECIFIED : maturityOfRank(stored);
}

export interface ProfileRow {
  id: string;
  account_id: string;
  name: string;
  kids: boolean;
  max_maturity: number | null;
  created_at: Date;
  updated_at: Date;
}

export const PROFILE_COLUMNS = 'id, account_id, name, kids, max_maturity, created_at, updated_at';

export function toProfile(row: ProfileRow): Profile {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    kids: row.kids,
    maxMaturity: fromStoredMaturity(row.max_maturity),
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}
