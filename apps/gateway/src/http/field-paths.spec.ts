import { restFieldPath } from './field-paths';

describe('restFieldPath', () => {
  it.each([
    ['title.slug', 'slug'],
    ['title.genre_slugs[1]', 'genres[1]'],
    ['title.release_year', 'releaseYear'],
    ['title.seasons[0].episodes[2].runtime_minutes', 'seasons[0].episodes[2].runtimeMinutes'],
    ['query', 'q'],
    ['cursor', 'cursor'],
    ['visibility.max_maturity', 'maxMaturity'],
  ])('names %s as %s', (grpcPath, restPath) => {
    expect(restFieldPath(grpcPath)).toBe(restPath);
  });
});
