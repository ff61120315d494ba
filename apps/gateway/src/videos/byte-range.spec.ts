import { decideRange, matchesIfNoneMatch } from './byte-range';

const ETAG = '"abc"';

describe('decideRange', () => {
  it('answers the whole file without a Range header', () => {
    expect(decideRange(1000, ETAG, undefined, undefined)).toEqual({ kind: 'whole' });
  });

  it('serves a closed range, cutting its end at the last byte', () => {
    expect(decideRange(1000, ETAG, 'bytes=10-19', undefined)).toEqual({
      kind: 'partial',
      start: 10,
      end: 19,
    });
    expect(decideRange(1000, ETAG, 'bytes=990-5000', undefined)).toEqual({
      kind: 'partial',
      start: 990,
      end: 999,
    });
  });

  it('serves open and suffix ranges', () => {
    expect(decideRange(1000, ETAG, 'bytes=500-', undefined)).toEqual({
      kind: 'partial',
      start: 500,
      end: 999,
    });
    expect(decideRange(1000, ETAG, 'bytes=-100', undefined)).toEqual({
      kind: 'partial',
      start: 900,
      end: 999,
    });
    expect(decideRange(1000, ETAG, 'bytes=-5000', undefined)).toEqual({
      kind: 'partial',
      start: 0,
      end: 999,
    });
  });

  it('refuses a range that starts past the end, and an empty suffix', () => {
    expect(decideRange(1000, ETAG, 'bytes=1000-', undefined)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange(1000, ETAG, 'bytes=-0', undefined)).toEqual({ kind: 'unsatisfiable' });
  });

  it('answers the whole file to several ranges, other units and bad syntax', () => {
    for (const header of ['bytes=0-1,5-9', 'items=0-5', 'bytes=abc', 'bytes=9-2', 'bytes=-']) {
      expect(decideRange(1000, ETAG, header, undefined)).toEqual({ kind: 'whole' });
    }
  });

  it('honours the range only when If-Range names the current entity tag', () => {
    expect(decideRange(1000, ETAG, 'bytes=0-9', ETAG)).toEqual({
      kind: 'partial',
      start: 0,
      end: 9,
    });
    expect(decideRange(1000, ETAG, 'bytes=0-9', '"stale"')).toEqual({ kind: 'whole' });
    expect(decideRange(1000, ETAG, 'bytes=0-9', 'Wed, 21 Oct 2015 07:28:00 GMT')).toEqual({
      kind: 'whole',
    });
  });
});

describe('matchesIfNoneMatch', () => {
  it('matches the tag in a list, weak or strong, and *', () => {
    expect(matchesIfNoneMatch('"x", W/"abc"', ETAG)).toBe(true);
    expect(matchesIfNoneMatch('*', ETAG)).toBe(true);
    expect(matchesIfNoneMatch('"x"', ETAG)).toBe(false);
    expect(matchesIfNoneMatch(undefined, ETAG)).toBe(false);
  });
});
