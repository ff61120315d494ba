import { TITLE_LIMITS } from '@kinema/contracts/catalog-limits';
import { SLUG_PATTERN } from '@kinema/contracts/identifiers';
import { describe, expect, it } from 'vitest';
import { slugAfterRename, slugFor } from './slug-suggestion';

describe('the slug a title’s name suggests', () => {
  it.each([
    ['The Gentle Empire', 'the-gentle-empire'],
    ['Amélie’s Café', 'amelies-cafe'],
    ['Straße des Todes', 'strasse-des-todes'],
    ['Fast & Furious 2', 'fast-and-furious-2'],
    ['  Ça va? -- Oui!  ', 'ca-va-oui'],
  ])('%j gives %j, a slug the catalog takes', (name, slug) => {
    expect(slugFor(name)).toBe(slug);
    expect(slugFor(name)).toMatch(SLUG_PATTERN);
  });

  it('is empty for a name with nothing to spell it with, for the admin to write', () => {
    expect(slugFor('東京物語')).toBe('');
  });

  it('is cut to the catalog’s length without a dash left at its end', () => {
    const slug = slugFor(`${'a'.repeat(TITLE_LIMITS.slugLength - 1)} b`);
    expect(slug).toBe('a'.repeat(TITLE_LIMITS.slugLength - 1));
    expect(slug).toMatch(SLUG_PATTERN);
  });

  it('follows the name while the admin has not typed one of their own', () => {
    let slug = '';
    let name = '';
    for (const typed of ['T', 'Th', 'The Ro', 'The Road']) {
      slug = slugAfterRename(slug, name, typed);
      name = typed;
    }
    expect(slug).toBe('the-road');
    expect(slugAfterRename('road-movie', 'The Road', 'The Road Home')).toBe('road-movie');
  });

  it('follows it again once the admin empties it', () => {
    expect(slugAfterRename('', 'The Road', 'The Road Home')).toBe('the-road-home');
  });
});
