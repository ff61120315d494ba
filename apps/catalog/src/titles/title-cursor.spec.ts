import { CursorCodec, filterDigest, relevanceKeyOf, type CursorPosition } from './title-cursor';

describe('CursorCodec', () => {
  const codec = new CursorCodec('a-secret-of-sixteen-chars');
  const digest = filterDigest({ sort: 'name', genre: 3 });
  const position: CursorPosition = {
    sort: 'name',
    key: 'galaxy drifters',
    id: '0b6f3c1e-9d1a-4c7e-8f00-1234567890ab',
  };

  it('decodes what it encoded for the same sort and filters', () => {
    expect(codec.decode(codec.encode(position, digest), 'name', digest)).toEqual(position);
  });

  it('keeps numeric and decimal-string keys exact', () => {
    const popular: CursorPosition = { sort: 'popular', key: 0.1 + 0.2, id: position.id };
    expect(codec.decode(codec.encode(popular, digest), 'popular', digest)?.key).toBe(0.1 + 0.2);
    const relevance: CursorPosition = { sort: 'relevance', key: '3:1.7e-7', id: position.id };
    expect(codec.decode(codec.encode(relevance, digest), 'relevance', digest)?.key).toBe(
      '3:1.7e-7',
    );
    const trending: CursorPosition = { sort: 'trending', key: 17, id: position.id };
    expect(codec.decode(codec.encode(trending, digest), 'trending', digest)).toEqual(trending);
  });

  it('refuses a trending cursor whose key is not a number, or one of another sort', () => {
    const trending = codec.encode({ sort: 'trending', key: 17, id: position.id }, digest);
    expect(codec.decode(trending, 'popular', digest)).toBeUndefined();
    const stringKey = codec.encode({ sort: 'trending', key: '17', id: position.id }, digest);
    expect(codec.decode(stringKey, 'trending', digest)).toBeUndefined();
  });

  it('refuses a relevance cursor whose key is not a tier and a popularity', () => {
    for (const key of ['0.607927', '5:1', '3:', '3:1;DROP', 2]) {
      const cursor = codec.encode({ sort: 'relevance', key, id: position.id }, digest);
      expect(codec.decode(cursor, 'relevance', digest)).toBeUndefined();
    }
  });

  it('splits a relevance key into its tier and popularity', () => {
    expect(relevanceKeyOf('4:-12.5')).toEqual({ tier: 4, popularity: '-12.5' });
    expect(() => relevanceKeyOf('9:1')).toThrow();
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec('another-secret-16-chars');
    expect(codec.decode(other.encode(position, digest), 'name', digest)).toBeUndefined();
  });

  it('refuses a tampered payload, a truncated cursor and garbage', () => {
    const cursor = codec.encode(position, digest);
    const [version, payload, signature] = cursor.split('.');
    const tampered = Buffer.from(
      JSON.stringify({ s: 'name', k: 'zzz', i: position.id, f: digest }),
    ).toString('base64url');
    expect(codec.decode(`${version}.${tampered}.${signature}`, 'name', digest)).toBeUndefined();
    expect(
      codec.decode(`${version}.${payload}.${signature?.slice(0, -2)}`, 'name', digest),
    ).toBeUndefined();
    expect(codec.decode(cursor.slice(0, 20), 'name', digest)).toBeUndefined();
    expect(codec.decode('not a cursor', 'name', digest)).toBeUndefined();
  });

  it('refuses a cursor reused with another sort or other filters', () => {
    const cursor = codec.encode(position, digest);
    expect(codec.decode(cursor, 'newest', digest)).toBeUndefined();
    expect(codec.decode(cursor, 'name', filterDigest({ sort: 'name', genre: 4 }))).toBeUndefined();
  });

  it('refuses a signed payload of the wrong shape', () => {
    const badKey = codec.encode({ sort: 'newest', key: 'not-a-number', id: position.id }, digest);
    expect(codec.decode(badKey, 'newest', digest)).toBeUndefined();
    const badId = codec.encode({ ...position, id: "x' OR 1=1" }, digest);
    expect(codec.decode(badId, 'name', digest)).toBeUndefined();
  });
});

describe('filterDigest', () => {
  it('does not depend on key order but on every value', () => {
    expect(filterDigest({ a: 1, b: [2] })).toBe(filterDigest({ b: [2], a: 1 }));
    expect(filterDigest({ a: 1, b: [2] })).not.toBe(filterDigest({ a: 1, b: [3] }));
  });
});
