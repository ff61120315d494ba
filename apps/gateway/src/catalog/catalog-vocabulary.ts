import { Availability, CreditRole, MaturityRating, TitleSort, TitleType } from '@kinema/contracts';

// The REST API speaks short lower-case words; the gRPC contract speaks proto enum names.
// Each table is the single source for both directions and for OpenAPI's enum lists.

function vocabulary<Rest extends string, Proto extends string>(pairs: Record<Rest, Proto>) {
  const toRest = new Map<string, Rest>(
    Object.entries(pairs).map(([rest, proto]) => [proto as string, rest as Rest]),
  );
  return {
    values: Object.keys(pairs) as Rest[],
    toProto: (rest: Rest): Proto => pairs[rest],
    toRest: (proto: string): Rest | undefined => toRest.get(proto),
  };
}

export const titleTypes = vocabulary({
  movie: TitleType.TITLE_TYPE_MOVIE,
  series: TitleType.TITLE_TYPE_SERIES,
});
export type TitleTypeName = (typeof titleTypes.values)[number];

export const maturityRatings = vocabulary({
  all: MaturityRating.MATURITY_RATING_ALL,
  '7+': MaturityRating.MATURITY_RATING_KIDS_7,
  '13+': MaturityRating.MATURITY_RATING_TEEN_13,
  '16+': MaturityRating.MATURITY_RATING_TEEN_16,
  '18+': MaturityRating.MATURITY_RATING_ADULT_18,
});
export type MaturityRatingName = (typeof maturityRatings.values)[number];

export const availabilities = vocabulary({
  draft: Availability.AVAILABILITY_DRAFT,
  published: Availability.AVAILABILITY_PUBLISHED,
});
export type AvailabilityName = (typeof availabilities.values)[number];

export const creditRoles = vocabulary({
  director: CreditRole.CREDIT_ROLE_DIRECTOR,
  writer: CreditRole.CREDIT_ROLE_WRITER,
  creator: CreditRole.CREDIT_ROLE_CREATOR,
  cast: CreditRole.CREDIT_ROLE_CAST,
});
export type CreditRoleName = (typeof creditRoles.values)[number];

export const titleSorts = vocabulary({
  name: TitleSort.TITLE_SORT_NAME,
  newest: TitleSort.TITLE_SORT_NEWEST,
  popular: TitleSort.TITLE_SORT_POPULAR,
  relevance: TitleSort.TITLE_SORT_RELEVANCE,
  trending: TitleSort.TITLE_SORT_TRENDING,
});
export type TitleSortName = (typeof titleSorts.values)[number];
