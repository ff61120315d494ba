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
