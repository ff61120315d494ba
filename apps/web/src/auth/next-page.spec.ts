import { describe, expect, it } from 'vitest';
import { carryingNext, wantedPath } from './next-page';

const params = (next: string) => new URLSearchParams({ next });

describe('the page to return to after signing in', () => {
  it('is a path of this site, with its query', () => {
    expect(wantedPath(params('/watch/t-1?episode=e-2'))).toBe('/watch/t-1?episode=e-2');
  });

  it('is never another site, nor anything but a path', () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', 'javascript:alert(1)', ''])
      expect(wantedPath(params(next))).toBeUndefined();
    expect(wantedPath(new URLSearchParams())).toBeUndefined();
  });

  it('follows the person from the sign-in form to the register form and back', () => {
    expect(carryingNext('/register', params('/watch/t-1?episode=e-2'))).toBe(
      '/register?next=%2Fwatch%2Ft-1%3Fepisode%3De-2',
    );
    expect(carryingNext('/sign-in', params('//evil.example'))).toBe('/sign-in');
  });
});
