import { Rechunker } from './rechunker';

describe('Rechunker', () => {
  it('cuts any stream into pieces of the chunk size and a shorter rest', () => {
    const rechunker = new Rechunker(4);
    const pieces = [
      ...rechunker.push(Buffer.from('ab')),
      ...rechunker.push(Buffer.from('cdefghij')),
      ...rechunker.push(Buffer.from('k')),
    ];
    expect(pieces.map(String)).toEqual(['abcd', 'efgh']);
    expect(String(rechunker.flush())).toBe('ijk');
    expect(rechunker.flush()).toBeNull();
  });
});
