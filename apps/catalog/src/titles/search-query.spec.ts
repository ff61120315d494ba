import { prefixTsQuery, searchTerms } from './search-query';

describe('searchTerms', () => {
  it('keeps runs of letters and digits, lower-cased and de-duplicated', () => {
    expect(searchTerms('Galaxy  drifters, GALAXY 2049!')).toEqual(['galaxy', 'drifters', '2049']);
  });

  it('treats tsquery operators and punctuation as separators', () => {
    expect(searchTerms("gal:* & !dri | (x) <-> 'o''neil'")).toEqual([
      'gal',
      'dri',
      'x',
      'o',
      'neil',
    ]);
  });

  it('keeps letters outside ASCII', () => {
    expect(searchTerms('Amélie Ødegård 東京')).toEqual(['amélie', 'ødegård', '東京']);
  });

  it('finds nothing searchable in punctuation', () => {
    expect(searchTerms('!!! ??? ---')).toEqual([]);
  });

  it('caps the number of terms', () => {
    expect(searchTerms(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '))).toHaveLength(12);
  });
});

describe('prefixTsQuery', () => {
  it('requires every term as a word prefix', () => {
    expect(prefixTsQuery(['gal', 'dri'])).toBe('gal:* & dri:*');
  });
});
