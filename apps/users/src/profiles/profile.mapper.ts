import { MaturityRating, type Profile } from '@kinema/contracts';

/** Ratings in their proto order; index + 1 is the stored smallint, as in the catalog's tables. */
const maturityOrder: readonly MaturityRating[] = [
  MaturityRating.MATURITY_RATING_ALL,
  MaturityRating.MATURITY_RATING_KIDS_7,
  MaturityRating.MATURITY_RATING_TEEN_13,
  MaturityRating.MATURITY_RATING_TEEN_16,
  MaturityRating.MATURITY_RATING_ADULT_18,
];

/** Stored ceiling (1..5), or null for UNSPECIFIED (no ceiling); undefined for unknown values. */
export function toStoredMaturity(rating: MaturityRating): number | null | undefined {
  if (rating === MaturityRating.MATURITY_RATING_UNSPECIFIED) return null;
  const index = maturityOrder.indexOf(rating);
  return index < 0 ? undefined : index + 1;
}

export function fromStoredMaturity(stored: number | null): MaturityRating {
  return stored === null
    ? MaturityRating.MATURITY_RATING_UNSPECIFIED
    : (maturityOrder[stored - 1] ?? MaturityRating.MATURITY_RATING_UNSPECIFIED);
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
