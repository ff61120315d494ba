import { TitleSort } from '../generated/kinema/catalog/v1/catalog_service';
import {
  Availability,
  CreditRole,
  MaturityRating,
  TitleType,
} from '../generated/kinema/catalog/v1/title';
import { Role } from '../generated/kinema/users/v1/account';
import type { MaturityRatingName } from './maturity-names';

export type { MaturityRatingName };

/**
 * One two-way table between the short lower-case words the REST API speaks (and the catalog
 * stores) and the proto enum values the gRPC contract speaks; `values` feeds validation and
 * OpenAPI enums alike.
 */
export interface Vocabulary<Name extends string, Proto extends string> {
  readonly values: readonly Name[];
  toProto(name: Name): Proto;
  /** The name of a proto value; undefined for UNSPECIFIED, UNRECOGNIZED or anything else. */
  toName(proto: string): Name | undefined;
  isName(value: unknown): value is Name;
}

function vocabulary<Name extends string, Proto extends string>(
  pairs: Record<Name, Proto>,
): Vocabulary<Name, Proto> {
  const names = Object.keys(pairs) as Name[];
  const byProto = new Map<string, Name>(names.map((name) => [pairs[name], name]));
  return {
    values: names,
    toProto: (name) => pairs[name],
    toName: (proto) => byProto.get(proto),
    isName: (value): value is Name => typeof value === 'string' && names.includes(value as Name),
  };
}

export const TITLE_TYPES = vocabulary({
  movie: TitleType.TITLE_TYPE_MOVIE,
  series: TitleType.TITLE_TYPE_SERIES,
});
export type TitleTypeName = (typeof TITLE_TYPES.values)[number];

/** Least to most restricted audience: the order every maturity ceiling compares in. */
// Typed by the names' list: a name missing here, or one it does not have, fails to compile.
export const MATURITY_RATINGS = vocabulary<MaturityRatingName, MaturityRating>({
  all: MaturityRating.MATURITY_RATING_ALL,
  '7+': MaturityRating.MATURITY_RATING_KIDS_7,
  '13+': MaturityRating.MATURITY_RATING_TEEN_13,
  '16+': MaturityRating.MATURITY_RATING_TEEN_16,
  '18+': MaturityRating.MATURITY_RATING_ADULT_18,
});

/** 1 (all) .. 5 (18+): the smallint both databases store, so a ceiling is a `<=`. */
export type MaturityRank = 1 | 2 | 3 | 4 | 5;

const MATURITY_ORDER: readonly MaturityRating[] = MATURITY_RATINGS.values.map(
  MATURITY_RATINGS.toProto,
);

/** The rank of a rating; undefined for UNSPECIFIED ("no ceiling") or an unknown value. */
export function maturityRank(rating: MaturityRating): MaturityRank | undefined {
  const index = MATURITY_ORDER.indexOf(rating);
  return index < 0 ? undefined : ((index + 1) as MaturityRank);
}

/** The rating of a stored rank; UNSPECIFIED for anything that is not a rank. */
export function maturityOfRank(rank: number): MaturityRating {
  return MATURITY_ORDER[rank - 1] ?? MaturityRating.MATURITY_RATING_UNSPECIFIED;
}

/**
 * The stricter of two ceilings (UNSPECIFIED meaning none). A client may narrow what its profile
 * sees, never widen it: the profile's ceiling always wins over a looser one asked for.
 */
export function stricterCeiling(a: MaturityRating, b: MaturityRating): MaturityRating {
  const rankA = maturityRank(a);
  const rankB = maturityRank(b);
  if (rankA === undefined)
    return rankB === undefined ? MaturityRating.MATURITY_RATING_UNSPECIFIED : b;
  if (rankB === undefined) return a;
  return rankA <= rankB ? a : b;
}

/**
 * An account's roles: what the users service stores, the access token's `role` claim, the
 * account in REST answers and events; the gRPC contract's `Role`.
 */
export const ACCOUNT_ROLES = vocabulary({
  viewer: Role.ROLE_VIEWER,
  admin: Role.ROLE_ADMIN,
});
export type AccountRoleName = (typeof ACCOUNT_ROLES.values)[number];

/**
 * The role a `Role` names. One this build does not know (UNSPECIFIED, or a role added to the
 * contract later) grants the least: `viewer`.
 */
export function accountRoleOf(role: Role): AccountRoleName {
  return ACCOUNT_ROLES.toName(role) ?? 'viewer';
}

export const AVAILABILITIES = vocabulary({
  draft: Availability.AVAILABILITY_DRAFT,
  published: Availability.AVAILABILITY_PUBLISHED,
});
export type AvailabilityName = (typeof AVAILABILITIES.values)[number];

export const CREDIT_ROLES = vocabulary({
  director: CreditRole.CREDIT_ROLE_DIRECTOR,
  writer: CreditRole.CREDIT_ROLE_WRITER,
  creator: CreditRole.CREDIT_ROLE_CREATOR,
  cast: CreditRole.CREDIT_ROLE_CAST,
});
export type CreditRoleName = (typeof CREDIT_ROLES.values)[number];

export const TITLE_SORTS = vocabulary({
  name: TitleSort.TITLE_SORT_NAME,
  newest: TitleSort.TITLE_SORT_NEWEST,
  popular: TitleSort.TITLE_SORT_POPULAR,
  relevance: TitleSort.TITLE_SORT_RELEVANCE,
  trending: TitleSort.TITLE_SORT_TRENDING,
});
export type TitleSortName = (typeof TITLE_SORTS.values)[number];

/**
 * The catalog's genres: fixed reference data whose ids never change. The catalog's migrations
 * store these rows (a test holds the two together); a new genre is a migration and a line here.
 */
export const GENRES = [
  { id: 1, slug: 'action', name: 'Action' },
  { id: 2, slug: 'adventure', name: 'Adventure' },
  { id: 3, slug: 'animation', name: 'Animation' },
  { id: 4, slug: 'comedy', name: 'Comedy' },
  { id: 5, slug: 'crime', name: 'Crime' },
  { id: 6, slug: 'documentary', name: 'Documentary' },
  { id: 7, slug: 'drama', name: 'Drama' },
  { id: 8, slug: 'family', name: 'Family' },
  { id: 9, slug: 'fantasy', name: 'Fantasy' },
  { id: 10, slug: 'horror', name: 'Horror' },
  { id: 11, slug: 'mystery', name: 'Mystery' },
  { id: 12, slug: 'romance', name: 'Romance' },
  { id: 13, slug: 'sci-fi', name: 'Science Fiction' },
  { id: 14, slug: 'thriller', name: 'Thriller' },
  { id: 15, slug: 'war', name: 'War' },
  { id: 16, slug: 'western', name: 'Western' },
] as const;
export type GenreSlug = (typeof GENRES)[number]['slug'];
export const GENRE_SLUGS: readonly GenreSlug[] = GENRES.map((genre) => genre.slug);
