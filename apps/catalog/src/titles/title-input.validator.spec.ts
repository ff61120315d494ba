import { Availability, CreditRole, MaturityRating, TitleType } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { aMovie, aSeason, aSeries } from '../testing/title-input.builder';
import { validateTitleInput } from './title-input.validator';

const genres = new Map([
  ['drama', 7],
  ['comedy', 4],
]);
const now = new Date('2025-06-01T00:00:00Z');

const episode = (number: number) => ({
  number,
  name: `Episode ${number}`,
  synopsis: '',
  runtimeMinutes: 30,
});

function violations(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError)
      return error.fieldViolations.map((violation) => violation.field);
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('validateTitleInput', () => {
  it('accepts a valid movie and answers it in stored terms', () => {
    const valid = validateTitleInput(
      aMovie({ genreSlugs: ['comedy', 'drama'] }),
      genres,
      'title',
      now,
    );
    expect(valid).toMatchObject({
      type: 'movie',
      maturity: 3,
      genreIds: [4, 7],
      availability: 'published',
    });
    expect(valid.credits[1]).toEqual({
      personName: 'Pim Soladine',
      role: 'cast',
      character: 'The Courier',
    });
  });

  it('requires the title itself', () => {
    expect(violations(() => validateTitleInput(undefined, genres))).toEqual(['title']);
  });

  it('reports every violation at once with its path', () => {
    const twiceEpisodeOne = { ...aSeason(1, 0), episodes: [episode(1), episode(1)] };
    const input = aSeries([twiceEpisodeOne, aSeason(1, 1)], {
      slug: '-bad--slug-',
      name: '   ',
      releaseYear: 2031,
      runtimeMinutes: 5,
      maturityRating: MaturityRating.MATURITY_RATING_UNSPECIFIED,
      genreSlugs: ['drama', 'nope', 'drama'],
      credits: [{ personName: '', role: CreditRole.CREDIT_ROLE_DIRECTOR, character: 'Someone' }],
      popularity: Number.NaN,
    });
    expect(violations(() => validateTitleInput(input, genres, 'title', now))).toEqual([
      'title.slug',
      'title.name',
      'title.release_year',
      'title.runtime_minutes',
      'title.maturity_rating',
      'title.popularity',
      'title.genre_slugs[1]',
      'title.genre_slugs[2]',
      'title.credits[0].person_name',
      'title.credits[0].character',
      'title.seasons[0].episodes[1].number',
      'title.seasons[1].number',
    ]);
  });

  it('allows release years up to five years ahead and not before 1888', () => {
    expect(() =>
      validateTitleInput(aMovie({ releaseYear: 2030 }), genres, 'title', now),
    ).not.toThrow();
    expect(() =>
      validateTitleInput(aMovie({ releaseYear: 1888 }), genres, 'title', now),
    ).not.toThrow();
    expect(
      violations(() => validateTitleInput(aMovie({ releaseYear: 1887 }), genres, 'title', now)),
    ).toEqual(['title.release_year']);
  });

  it('gives movies no seasons and series no runtime', () => {
    expect(
      violations(() =>
        validateTitleInput(aMovie({ seasons: [aSeason(1, 1)] }), genres, 'title', now),
      ),
    ).toEqual(['title.seasons']);
    expect(
      violations(() =>
        validateTitleInput(aSeries([], { runtimeMinutes: 40 }), genres, 'title', now),
      ),
    ).toEqual(['title.runtime_minutes']);
  });

  it('caps credits at 100 and requires a type', () => {
    const credits = Array.from({ length: 101 }, () => ({
      personName: 'A',
      role: CreditRole.CREDIT_ROLE_WRITER,
      character: '',
    }));
    expect(violations(() => validateTitleInput(aMovie({ credits }), genres, 'title', now))).toEqual(
      ['title.credits'],
    );
    expect(
      violations(() =>
        validateTitleInput(
          aMovie({ type: TitleType.TITLE_TYPE_UNSPECIFIED }),
          genres,
          'title',
          now,
        ),
      ),
    ).toEqual(['title.type']);
  });

  it('drafts a title whose availability is unspecified', () => {
    const valid = validateTitleInput(
      aMovie({ availability: Availability.AVAILABILITY_UNSPECIFIED }),
      genres,
      'title',
      now,
    );
    expect(valid.availability).toBe('draft');
  });
});
