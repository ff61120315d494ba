import { restFieldDescription, restFieldPath } from './field-paths';

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

describe('restFieldDescription', () => {
  it.each([
    ['yearTo', 'must not be before year_from', 'yearTo must not be before yearFrom'],
    [
      'positionSeconds',
      'must not exceed duration_seconds',
      'positionSeconds must not exceed durationSeconds',
    ],
    [
      'q',
      'must contain at least one letter or digit',
      'q must contain at least one letter or digit',
    ],
    ['genres[1]', 'is listed twice', 'genres[1] is listed twice'],
    [
      'seasons[0].episodes[2].runtimeMinutes',
      'must be 0 for a series',
      'runtimeMinutes must be 0 for a series',
    ],
    ['genres[0]', 'unknown genre "x"', 'unknown genre "x"'],
    ['seasons', 'a movie has no seasons', 'a movie has no seasons'],
  ])('words %s: "%s" as "%s"', (field, description, worded) => {
    expect(restFieldDescription(field, description)).toBe(worded);
  });
});

describe('redactQuery', () => {
  it('hides grants and tokens in logged URLs and keeps the rest', () => {
    const { redactQuery } = jest.requireActual<typeof import('./request-hooks')>('./request-hooks');
    expect(redactQuery('/api/v1/titles/x/stream?grant=abc.def&t=1')).toBe(
      '/api/v1/titles/x/stream?grant=[redacted]&t=1',
    );
    expect(redactQuery('/ws?access_token=secret')).toBe('/ws?access_token=[redacted]');
    expect(redactQuery('/ws?limit=5&token=secret')).toBe('/ws?limit=5&token=[redacted]');
    expect(redactQuery('/api/v1/titles?limit=5')).toBe('/api/v1/titles?limit=5');
  });
});
