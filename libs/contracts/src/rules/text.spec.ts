import { textViolation, wrapWords } from './text';

describe('the text rule every field of every request obeys', () => {
  it('passes plain text, and emoji written as surrogate pairs', () => {
    expect(textViolation('Night Harbour')).toBeUndefined();
    expect(textViolation('🎬 Night 🌊')).toBeUndefined();
  });

  it('refuses a NUL character', () => {
    expect(textViolation('Night\u0000Harbour')).toMatch(/NUL/);
  });

  it.each([
    ['a high surrogate with no low one after it', 'x\ud800y'],
    ['a low surrogate with no high one before it', 'x\udc00y'],
    ['a pair in the wrong order', '\udc00\ud800'],
    ['half of a pair at the end', 'Night 🎬'.slice(0, -1)],
  ])('refuses %s (UTF-8 cannot encode it)', (_case, value) => {
    expect(textViolation(value)).toMatch(/lone surrogate/);
  });
});

describe('a name laid out in lines for artwork', () => {
  it('breaks between words and shortens what does not fit', () => {
    expect(wrapWords('THE SILENT HARBOUR OF EVERYTHING', 14, 4)).toEqual([
      'THE SILENT',
      'HARBOUR OF',
      'EVERYTHING',
    ]);
    expect(wrapWords('The Forgotten Citadel', 13, 3)).toEqual(['The Forgotten', 'Citadel']);
    expect(wrapWords('A B C D E', 1, 2)).toEqual(['A', '…']);
    expect(wrapWords('Incomprehensibilities', 13, 3)).toEqual(['Incomprehens…']);
  });

  it('never cuts a character in two', () => {
    expect(wrapWords('🎬🎬🎬🎬 Night', 3, 1)).toEqual(['🎬🎬…']);
    expect(textViolation(wrapWords('🎬🎬🎬🎬', 3, 1).join(''))).toBeUndefined();
  });
});
