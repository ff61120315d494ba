import { Availability, MaturityRating, TitleType, type Title } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { aMovie } from '../testing/title-input.builder';
import { applyPatch } from './title-patch';

const stored: Title = {
  id: '0b6f3c1e-9d1a-4c7e-8f00-1234567890ab',
  slug: 'stored-title',
  type: TitleType.TITLE_TYPE_MOVIE,
  name: 'Stored Name',
  synopsis: 'Stored synopsis.',
  releaseYear: 2001,
  runtimeMinutes: 99,
  maturityRating: MaturityRating.MATURITY_RATING_TEEN_16,
  genres: [{ slug: 'drama', name: 'Drama' }],
  credits: [],
  artwork: { posterKey: 'old-poster', backdropKey: 'old-backdrop' },
  availability: Availability.AVAILABILITY_PUBLISHED,
  playable: true,
  popularity: 12.5,
  version: 3,
  seasons: [],
  createTime: new Date(),
  updateTime: new Date(),
  durationSeconds: 5_940,
};

function maskViolations(paths: string[]): string[] {
  try {
    applyPatch(stored, aMovie(), paths);
  } catch (error) {
    if (error instanceof DomainError)
      return error.fieldViolations.map((violation) => violation.field);
    throw error;
  }
  return [];
}

describe('applyPatch', () => {
  it('takes the masked fields from the patch and keeps the rest', () => {
    const patch = aMovie({ name: 'New Name', synopsis: 'not taken', genreSlugs: ['comedy'] });
    const merged = applyPatch(stored, patch, ['name', 'genre_slugs']);
    expect(merged).toMatchObject({
      name: 'New Name',
      synopsis: 'Stored synopsis.',
      genreSlugs: ['comedy'],
      slug: 'stored-title',
    });
  });

  it('patches one artwork key without clearing the other', () => {
    const patch = aMovie({ artwork: { posterKey: 'new-poster', backdropKey: 'not taken' } });
    expect(applyPatch(stored, patch, ['artwork.poster_key']).artwork).toEqual({
      posterKey: 'new-poster',
      backdropKey: 'old-backdrop',
    });
  });

  it('rejects an empty mask and unknown paths, including inherited property names', () => {
    expect(maskViolations([])).toEqual(['update_mask']);
    expect(maskViolations(['name', 'toString', 'playable'])).toEqual([
      'update_mask',
      'update_mask',
    ]);
    expect(maskViolations(['name'])).toEqual([]);
  });
});
