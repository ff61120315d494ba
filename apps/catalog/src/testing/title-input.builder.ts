import {
  Availability,
  CreditRole,
  MaturityRating,
  TitleType,
  type SeasonInput,
  type TitleInput,
} from '@kinema/contracts';

let sequence = 0;

/** A valid published movie with a unique slug; override what the test is about. */
export function aMovie(overrides: Partial<TitleInput> = {}): TitleInput {
  sequence += 1;
  return {
    slug: `test-movie-${process.pid}-${sequence}`,
    type: TitleType.TITLE_TYPE_MOVIE,
    name: `Test Movie ${sequence}`,
    synopsis: 'A plain synopsis for tests.',
    releaseYear: 2020,
    runtimeMinutes: 101,
    maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
    genreSlugs: ['drama'],
    credits: [
      { personName: 'Orla Vantree', role: CreditRole.CREDIT_ROLE_DIRECTOR, character: '' },
      { personName: 'Pim Soladine', role: CreditRole.CREDIT_ROLE_CAST, character: 'The Courier' },
    ],
    artwork: { posterKey: 'posters/test.jpg', backdropKey: '' },
    availability: Availability.AVAILABILITY_PUBLISHED,
    popularity: 1,
    seasons: [],
    ...overrides,
  };
}

export function aSeason(
  number: number,
  episodeCount: number,
  overrides: Partial<SeasonInput> = {},
): SeasonInput {
  return {
    number,
    name: `Season ${number}`,
    releaseYear: 2021,
    episodes: Array.from({ length: episodeCount }, (_, index) => ({
      number: index + 1,
      name: `Episode ${index + 1}`,
      synopsis: '',
      runtimeMinutes: 42,
    })),
    ...overrides,
  };
}

/** A valid published series with the given seasons. */
export function aSeries(
  seasons: SeasonInput[] = [aSeason(1, 3)],
  overrides: Partial<TitleInput> = {},
): TitleInput {
  return aMovie({ type: TitleType.TITLE_TYPE_SERIES, runtimeMinutes: 0, seasons, ...overrides });
}
