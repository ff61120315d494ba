import slugify from 'slugify';
import { TITLE_LIMITS } from '@kinema/contracts/catalog-limits';

/**
 * The slug a title's name suggests: Latin letters without accents (slugify's table spells `ß`,
 * `Æ` or `&`), lower-case, words joined by single dashes, no longer than the catalog takes; ''
 * for a name with nothing it can spell, where the admin writes one.
 */
export function slugFor(name: string): string {
  return slugify(name, { lower: true, strict: true })
    .slice(0, TITLE_LIMITS.slugLength)
    .replace(/-+$/, '');
}

/**
 * A new title's slug after its name changes from `previousName` to `name`: it follows the name
 * while it is empty or still what the previous name suggested; a slug the admin typed stays theirs.
 */
export function slugAfterRename(slug: string, previousName: string, name: string): string {
  return slug === '' || slug === slugFor(previousName) ? slugFor(name) : slug;
}
