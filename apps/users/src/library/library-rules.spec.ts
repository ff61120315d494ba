import { decodeMyListCursor, encodeMyListCursor } from './my-list-cursor';
import { isInProgress } from './progress-rules';

describe('continue-watching bounds', () => {
  it('keeps strictly more than 5% and strictly less than 95%', () => {
    expect(isInProgress(50, 1000)).toBe(false);
    expect(isInProgress(51, 1000)).toBe(true);
    expect(isInProgress(949, 1000)).toBe(true);
    expect(isInProgress(950, 1000)).toBe(false);
    expect(isInProgress(0, 1000)).toBe(false);
    expect(isInProgress(1000, 1000)).toBe(false);
  });

  it('decides boundaries without floating-point rounding', () => {
    // 1/20 of 7 seconds is 0.35 s: position 0 is below, 1 is above.
    expect(isInProgress(0, 7)).toBe(false);
    expect(isInProgress(1, 7)).toBe(true);
    expect(isInProgress(6, 7)).toBe(true);
    expect(isInProgress(7, 7)).toBe(false);
  });
});

describe('My List cursors', () => {
  it('round-trip a list position', () => {
    expect(decodeMyListCursor(encodeMyListCursor('42'))).toBe('42');
    expect(decodeMyListCursor(encodeMyListCursor('9223372036854775807'))).toBe(
      '9223372036854775807',
    );
  });

  it('refuse anything that is not a cursor of ours', () => {
    for (const cursor of [
      '',
      'garbage',
      "'; DROP TABLE x; --",
      encodeMyListCursor('0'),
      encodeMyListCursor('-1'),
      encodeMyListCursor('1 OR 1=1'),
      encodeMyListCursor('9223372036854775808'),
      'a'.repeat(10_240),
    ]) {
      expect(decodeMyListCursor(cursor)).toBeUndefined();
    }
  });
});
