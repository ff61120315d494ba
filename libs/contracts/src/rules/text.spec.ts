import { textViolation } from './text';

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
