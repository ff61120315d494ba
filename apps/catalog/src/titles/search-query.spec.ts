import { correctedTsQuery, exactNameOf, searchTerms, titleSearch } from './search-query';

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

describe('correctedTsQuery', () => {
  const lookups = [
    { term: 'gal', known: true, near: [] },
    { term: 'orchrd', known: false, near: ['orchard', 'orchid'] },
  ];

  it('requires every term, as a word prefix when known, else as one of the words near it', () => {
    expect(correctedTsQuery(lookups)).toBe('gal:* & (orchard | orchid)');
  });

  it('looks in the fields of the weights given', () => {
    expect(correctedTsQuery(lookups, 'B')).toBe('gal:*B & (orchard:B | orchid:B)');
  });
});

describe('titleSearch', () => {
  const genreWords = ['drama', 'science', 'fiction'];

  it('asks for every term in any field, in the name, in the people and in the genres', () => {
    const search = titleSearch([{ term: 'dri', known: true, near: [] }], exactNameOf(' Dri  '), [
      'drift',
    ]);
    expect(search).toEqual({
      any: 'dri:*',
      name: 'dri:*A',
      people: 'dri:*B',
      genres: 'dri:*C',
      exactName: 'dri',
    });
  });

  it('asks the genres only when every term, as spelled or corrected, starts a genre word', () => {
    const term = (t: string, near: string[] = []) => ({ term: t, known: near.length === 0, near });
    const genres = (lookups: ReturnType<typeof term>[]) =>
      titleSearch(lookups, '', genreWords).genres;
    expect(genres([term('sci'), term('fic')])).toBe('sci:*C & fic:*C');
    expect(genres([term('dramma', ['drama'])])).toBe('(drama:C)');
    expect(genres([term('sci'), term('archivist')])).toBeUndefined();
    expect(genres([term('dramma', ['dramatist'])])).toBeUndefined();
  });
});

describe('exactNameOf', () => {
  it('trims, lower-cases and single-spaces the query', () => {
    expect(exactNameOf('  The   Wild\tCarnival ')).toBe('the wild carnival');
  });
});
