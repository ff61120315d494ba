import { resolveRange } from './byte-range';

describe('resolveRange', () => {
  it.each([
    ['bytes=0-3', { start: 0, end: 3 }],
    ['bytes=4-', { start: 4, end: 9 }],
    ['bytes=8-100', { start: 8, end: 9 }],
    ['bytes=-3', { start: 7, end: 9 }],
    ['bytes=-100', { start: 0, end: 9 }],
  ])('resolves %s against a 10-byte object', (header, expected) => {
    expect(resolveRange(header, 10)).toEqual(expected);
  });

  it.each(['bytes=10-', 'bytes=10-20', 'bytes=-0'])(
    'marks %s unsatisfiable for a 10-byte object',
    (header) => {
      expect(resolveRange(header, 10)).toBe('unsatisfiable');
    },
  );

  it.each([undefined, 'bytes=0-1,4-5', 'items=0-1', 'bytes=5-2'])(
    'serves the whole object for %s',
    (header) => {
      expect(resolveRange(header, 10)).toBeNull();
    },
  );
});
