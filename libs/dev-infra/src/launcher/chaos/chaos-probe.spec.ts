import { CATALOG_READ_LIMITS, FIRST_RELEASE_YEAR, latestReleaseYear } from '@kinema/contracts';
import { uncachedCatalogPath } from './chaos-probe';

describe('an uncached catalog page', () => {
  it('is a page the API accepts, and seldom one drawn before', () => {
    const drawn = Array.from({ length: 10_000 }, () => uncachedCatalogPath());
    const refused = drawn.filter((path) => {
      const url = new URL(path, 'http://gateway');
      const [limit = 0, from = 0, to = 0] = ['limit', 'yearFrom', 'yearTo'].map((name) =>
        Number(url.searchParams.get(name)),
      );
      return !(
        url.pathname === '/api/v1/titles' &&
        Number.isInteger(limit) &&
        limit >= 1 &&
        limit <= CATALOG_READ_LIMITS.maxPageSize &&
        from >= FIRST_RELEASE_YEAR &&
        to >= from &&
        to <= latestReleaseYear()
      );
    });
    expect(refused).toEqual([]);
    // Of about a million pages, 10,000 draws repeat about 50. The gateway's cache holds 5,000:
    // drawn from a few thousand, nearly every page would be one it held already.
    expect(new Set(drawn).size).toBeGreaterThan(9_700);
  });
});
