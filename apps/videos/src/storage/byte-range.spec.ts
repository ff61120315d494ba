import { rangeHeader, rangeLength, resolveRange } from './byte-range';

describe('resolveRange', () => {
  it('reads the whole file when length is 0', () => {
    expect(resolveRange(1000, 0, 0)).toEqual({ start: 0, end: 999 });
  });

  it('reads from an offset to the end when length is 0', () => {
    expect(resolveRange(1000, 990, 0)).toEqual({ start: 990, end: 999 });
  });

  it('cuts a range that runs past the end at the last byte', () => {
    const range = resolveRange(1000, 900, 500);
    expect(range).toEqual({ start: 900, end: 999 });
    expect(range && rangeLength(range)).toBe(100);
  });

  it('reads exactly the requested bytes inside the file', () => {
    const range = resolveRange(1000, 10, 1);
    expect(range).toEqual({ start: 10, end: 10 });
    expect(range && rangeHeader(range)).toBe('bytes=10-10');
  });

  it.each([
    ['an offset at the end', 1000, 1000, 0],
    ['an offset past the end', 1000, 5000, 10],
    ['a negative offset', 1000, -1, 0],
    ['a negative length', 1000, 0, -5],
    ['an unsafe offset', 1000, 2 ** 60, 0],
    ['an empty file', 0, 0, 0],
  ])('serves nothing for %s', (_name, size, offset, length) => {
    expect(resolveRange(size, offset, length)).toBeNull();
  });
});
