import { describe, expect, it } from 'vitest';
import { searchFilters } from './search-filters';

const NOW = new Date('2026-06-01T00:00:00Z');
const GENRES = ['drama', 'sci-fi'] as const;

function filtersOf(query: string) {
  return searchFilters(new URLSearchParams(query), GENRES, NOW);
}

describe('searchFilters', () => {
  it('sends a year only once it is one a title can have, and says nothing while it is typed', () => {
    for (const partial of ['1', '19', '199'])
      expect(filtersOf(`yearFrom=${partial}`)).toEqual({
        filters: {},
        errors: {},
        waitingForGenres: false,
      });
    expect(filtersOf('yearFrom=1995').filters).toEqual({ yearFrom: 1995 });
    expect(filtersOf('yearFrom=1888&yearTo=2031').filters).toEqual({
      yearFrom: 1888,
      yearTo: 2031,
    });
  });

  it('names the range when four digits are not a year of the catalog, and sends no such year', () => {
    expect(filtersOf('yearFrom=1887&yearTo=2032')).toEqual({
      filters: {},
      errors: {
        yearFrom: 'From year: a year from 1888 to 2031',
        yearTo: 'To year: a year from 1888 to 2031',
      },
      waitingForGenres: false,
    });
    expect(filtersOf('yearTo=19e3').errors).toEqual({
      yearTo: 'To year: a year from 1888 to 2031',
    });
  });

  it('keeps From year and says To year is before it when the two are the wrong way round', () => {
    expect(filtersOf('yearFrom=2000&yearTo=1990')).toEqual({
      filters: { yearFrom: 2000 },
      errors: { yearTo: 'To year: not before From year' },
      waitingForGenres: false,
    });
  });

  it('leaves out a genre or type the API does not know, and holds a genre until the list is in', () => {
    expect(filtersOf('genre=nope&type=film').filters).toEqual({});
    expect(filtersOf('genre=sci-fi&type=series').filters).toEqual({
      genre: 'sci-fi',
      type: 'series',
    });
    expect(searchFilters(new URLSearchParams('genre=sci-fi'), undefined, NOW)).toEqual({
      filters: {},
      errors: {},
      waitingForGenres: true,
    });
  });
});
