import { GENRES, type TitleInput } from '@kinema/contracts';
import { validateTitleInput } from '../titles/title-input.validator';
import {
  fromStoredAvailability,
  fromStoredMaturity,
  fromStoredRole,
  fromStoredType,
} from '../titles/title.mapper';
import {
  defaultDemoOptions,
  generateDemoCatalog,
  generateDemoTitle,
} from './demo-catalog.generator';

describe('demo catalog generator', () => {
  const catalog = generateDemoCatalog(400);

  it('generates the same catalog for the same seed, whatever the batch boundaries', () => {
    expect(generateDemoCatalog(400)).toEqual(catalog);
    expect(generateDemoCatalog(100, defaultDemoOptions, 250)).toEqual(catalog.slice(250, 350));
    expect(generateDemoTitle(7, { ...defaultDemoOptions, seed: 1 })).not.toEqual(catalog[7]);
  });

  it('writes "an" before a role that starts with a vowel, as the home page shows it', () => {
    const roles = catalog.map((title) => / about (an?) ([a-z]+)/.exec(title.synopsis));
    expect(roles.every((match) => match !== null)).toBe(true);
    for (const match of roles)
      expect(match?.[1]).toBe(/^[aeiou]/.test(match?.[2] ?? '') ? 'an' : 'a');
    expect(catalog.some((title) => title.synopsis.includes(' about an '))).toBe(true);
  });

  it('gives unique UUID ids and unique slugs', () => {
    const ids = catalog.flatMap((title) => [
      title.id,
      ...title.seasons.flatMap((s) => [s.id, ...s.episodes.map((e) => e.id)]),
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      ids.every((id) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id),
      ),
    ).toBe(true);
    expect(new Set(catalog.map((title) => title.slug)).size).toBe(catalog.length);
  });

  it('makes about 30% series with 1-4 seasons of 3-10 episodes', () => {
    const series = catalog.filter((title) => title.type === 'series');
    expect(series.length / catalog.length).toBeGreaterThan(0.2);
    expect(series.length / catalog.length).toBeLessThan(0.4);
    for (const title of series) {
      expect(title.seasons.length).toBeGreaterThanOrEqual(1);
      expect(title.seasons.length).toBeLessThanOrEqual(4);
      expect(title.seasons.every((s) => s.episodes.length >= 3 && s.episodes.length <= 10)).toBe(
        true,
      );
    }
  });

  it('varies genres, maturity and years, and only makes titles the validator accepts', () => {
    const genreIds = new Map<string, number>(GENRES.map((genre) => [genre.slug, genre.id]));
    const slugById = new Map<number, string>(GENRES.map((genre) => [genre.id, genre.slug]));
    expect(new Set(catalog.flatMap((title) => title.genreIds)).size).toBe(GENRES.length);
    expect(new Set(catalog.map((title) => title.maturity)).size).toBe(5);
    expect(new Set(catalog.map((title) => title.releaseYear)).size).toBeGreaterThan(30);
    for (const title of catalog.slice(0, 50)) {
      const input: TitleInput = {
        slug: title.slug,
        type: fromStoredType(title.type),
        name: title.name,
        synopsis: title.synopsis,
        releaseYear: title.releaseYear,
        runtimeMinutes: title.runtimeMinutes,
        maturityRating: fromStoredMaturity(title.maturity),
        genreSlugs: title.genreIds.map((id) => slugById.get(id) ?? ''),
        credits: title.credits.map((c) => ({
          personName: c.personName,
          role: fromStoredRole(c.role),
          character: c.character,
        })),
        artwork: { posterKey: title.posterKey, backdropKey: title.backdropKey },
        availability: fromStoredAvailability(title.availability),
        popularity: title.popularity,
        seasons: title.seasons,
      };
      expect(() =>
        validateTitleInput(input, genreIds, 'title', new Date('2025-06-01')),
      ).not.toThrow();
    }
  });
});
