import { textViolations } from './request-text.rule';

describe('the text rule on gRPC requests', () => {
  it('names every text field holding a NUL, as the .proto spells it', () => {
    expect(
      textViolations({
        title: { name: 'ok', synopsis: 'a\u0000b', seasons: [{ name: 'x' }, { name: '\u0000' }] },
        genreSlugs: ['drama', 'sci\u0000fi'],
      }).map((v) => v.field),
    ).toEqual(
      expect.arrayContaining(['title.synopsis', 'title.seasons[1].name', 'genre_slugs[1]']),
    );
  });

  it('leaves bytes, dates, numbers and clean text alone', () => {
    expect(
      textViolations({ chunk: Buffer.from([0, 0, 0]), at: new Date(), n: 0, text: 'plain' }),
    ).toEqual([]);
  });
});
