import {
  ARTWORK_KEY,
  Availability,
  FIRST_RELEASE_YEAR,
  isUuid,
  latestReleaseYear,
  longerThan,
  SLUG_PATTERN,
  TITLE_LIMITS as LIMITS,
  type Credit,
  type SeasonInput,
  type TitleInput,
} from '@kinema/contracts';
import { DomainError, type FieldViolation } from '@kinema/platform';
import type {
  StoredAvailability,
  StoredCreditRole,
  StoredMaturity,
  StoredTitleType,
} from './title.model';
import { toStoredAvailability, toStoredMaturity, toStoredRole, toStoredType } from './title.mapper';

/** A TitleInput that passed validation, in stored terms. */
export interface ValidTitle {
  slug: string;
  type: StoredTitleType;
  name: string;
  synopsis: string;
  releaseYear: number;
  runtimeMinutes: number;
  maturity: StoredMaturity;
  genreIds: number[];
  credits: Array<{ personName: string; role: StoredCreditRole; character: string }>;
  posterKey: string;
  backdropKey: string;
  availability: StoredAvailability;
  popularity: number;
  seasons: Array<{
    number: number;
    name: string;
    releaseYear: number;
    episodes: Array<{ number: number; name: string; synopsis: string; runtimeMinutes: number }>;
  }>;
}

/** Normalised id, or INVALID_ARGUMENT naming `field`. */
export function requireUuid(value: string, field = 'id'): string {
  if (!isUuid(value)) throw DomainError.invalid([{ field, description: 'must be a UUID' }]);
  return value.toLowerCase();
}

/**
 * Checks every field of a TitleInput and reports all violations at once, with paths under
 * `prefix` (e.g. `title.seasons[0].episodes[2].number`). `genreIds` maps known slugs to ids.
 */
export function validateTitleInput(
  input: TitleInput | undefined,
  genreIds: ReadonlyMap<string, number>,
  prefix = 'title',
  now = new Date(),
): ValidTitle {
  if (!input) throw DomainError.invalid([{ field: prefix, description: 'is required' }]);
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) =>
    violations.push({ field: `${prefix}.${field}`, description });
  const maxYear = latestReleaseYear(now);

  if (input.slug.length > LIMITS.slugLength || !SLUG_PATTERN.test(input.slug)) {
    fail(
      'slug',
      `must be 1-${LIMITS.slugLength} lower-case letters or digits in dash-separated words`,
    );
  }
  const type = toStoredType(input.type);
  if (!type) fail('type', 'is required: movie or series');
  const name = input.name.trim();
  if (name.length === 0 || longerThan(name, LIMITS.nameLength))
    fail('name', `must have 1-${LIMITS.nameLength} characters`);
  if (longerThan(input.synopsis, LIMITS.synopsisLength))
    fail('synopsis', `must have at most ${LIMITS.synopsisLength} characters`);
  if (!inRange(input.releaseYear, FIRST_RELEASE_YEAR, maxYear)) {
    fail('release_year', `must be from ${FIRST_RELEASE_YEAR} to ${maxYear}`);
  }
  if (type === 'series' && input.runtimeMinutes !== 0)
    fail('runtime_minutes', 'must be 0 for a series');
  else if (!inRange(input.runtimeMinutes, 0, LIMITS.runtimeMinutes))
    fail('runtime_minutes', `must be from 0 to ${LIMITS.runtimeMinutes}`);
  const maturity = toStoredMaturity(input.maturityRating);
  if (!maturity) fail('maturity_rating', 'is required');
  const availability =
    input.availability === Availability.AVAILABILITY_UNSPECIFIED
      ? 'draft'
      : toStoredAvailability(input.availability);
  if (!availability) fail('availability', 'must be draft or published');
  if (
    !Number.isFinite(input.popularity) ||
    input.popularity < 0 ||
    input.popularity > LIMITS.popularity
  ) {
    fail('popularity', `must be a number from 0 to ${LIMITS.popularity}`);
  }

  const genres = validateGenres(input.genreSlugs, genreIds, fail);
  const credits = validateCredits(input.credits, fail);
  const posterKey = input.artwork?.posterKey ?? '';
  const backdropKey = input.artwork?.backdropKey ?? '';
  for (const [field, key] of [
    ['artwork.poster_key', posterKey],
    ['artwork.backdrop_key', backdropKey],
  ] as const) {
    if (key !== '' && !ARTWORK_KEY.pattern.test(key)) {
      fail(
        field,
        `must be an object key of at most ${ARTWORK_KEY.maxLength} letters, digits and / _ . -`,
      );
    }
  }
  if (type === 'movie' && input.seasons.length > 0) fail('seasons', 'a movie has no seasons');
  const seasons = validateSeasons(input.seasons, maxYear, fail);

  if (violations.length > 0 || !type || !maturity || !availability)
    throw DomainError.invalid(violations);
  return {
    slug: input.slug,
    type,
    name,
    synopsis: input.synopsis,
    releaseYear: input.releaseYear,
    runtimeMinutes: input.runtimeMinutes,
    maturity,
    genreIds: genres,
    credits,
    posterKey,
    backdropKey,
    availability,
    popularity: input.popularity,
    seasons,
  };
}

type Fail = (field: string, description: string) => void;

function validateGenres(
  slugs: readonly string[],
  genreIds: ReadonlyMap<string, number>,
  fail: Fail,
): number[] {
  if (slugs.length > LIMITS.genres)
    fail('genre_slugs', `must have at most ${LIMITS.genres} genres`);
  const ids: number[] = [];
  slugs.forEach((slug, index) => {
    const id = genreIds.get(slug);
    if (id === undefined) fail(`genre_slugs[${index}]`, `unknown genre "${slug.slice(0, 50)}"`);
    else if (ids.includes(id)) fail(`genre_slugs[${index}]`, 'is listed twice');
    else ids.push(id);
  });
  return ids;
}

function validateCredits(credits: readonly Credit[], fail: Fail): ValidTitle['credits'] {
  if (credits.length > LIMITS.credits)
    fail('credits', `must have at most ${LIMITS.credits} credits`);
  return credits.slice(0, LIMITS.credits).map((credit, index) => {
    const path = `credits[${index}]`;
    const personName = credit.personName.trim();
    if (personName.length === 0 || longerThan(personName, LIMITS.personNameLength)) {
      fail(`${path}.person_name`, `must have 1-${LIMITS.personNameLength} characters`);
    }
    const role = toStoredRole(credit.role);
    if (!role) fail(`${path}.role`, 'is required');
    if (longerThan(credit.character, LIMITS.characterLength))
      fail(`${path}.character`, `must have at most ${LIMITS.characterLength} characters`);
    else if (credit.character.length > 0 && role !== 'cast')
      fail(`${path}.character`, 'only cast credits play a character');
    return { personName, role: role ?? 'cast', character: credit.character };
  });
}

function validateSeasons(
  seasons: readonly SeasonInput[],
  maxYear: number,
  fail: Fail,
): ValidTitle['seasons'] {
  if (seasons.length > LIMITS.seasons)
    fail('seasons', `must have at most ${LIMITS.seasons} seasons`);
  const seenSeasons = new Set<number>();
  return seasons.map((season, s) => {
    const path = `seasons[${s}]`;
    checkNumber(season.number, seenSeasons, `${path}.number`, fail);
    if (longerThan(season.name, LIMITS.nameLength))
      fail(`${path}.name`, `must have at most ${LIMITS.nameLength} characters`);
    if (season.releaseYear !== 0 && !inRange(season.releaseYear, FIRST_RELEASE_YEAR, maxYear)) {
      fail(
        `${path}.release_year`,
        `must be 0 (unknown) or from ${FIRST_RELEASE_YEAR} to ${maxYear}`,
      );
    }
    if (season.episodes.length > LIMITS.episodesPerSeason)
      fail(`${path}.episodes`, `must have at most ${LIMITS.episodesPerSeason} episodes`);
    const seenEpisodes = new Set<number>();
    const episodes = season.episodes.map((episode, e) => {
      const episodePath = `${path}.episodes[${e}]`;
      checkNumber(episode.number, seenEpisodes, `${episodePath}.number`, fail);
      if (longerThan(episode.name, LIMITS.nameLength))
        fail(`${episodePath}.name`, `must have at most ${LIMITS.nameLength} characters`);
      if (longerThan(episode.synopsis, LIMITS.synopsisLength)) {
        fail(`${episodePath}.synopsis`, `must have at most ${LIMITS.synopsisLength} characters`);
      }
      if (!inRange(episode.runtimeMinutes, 0, LIMITS.runtimeMinutes)) {
        fail(`${episodePath}.runtime_minutes`, `must be from 0 to ${LIMITS.runtimeMinutes}`);
      }
      return {
        number: episode.number,
        name: episode.name,
        synopsis: episode.synopsis,
        runtimeMinutes: episode.runtimeMinutes,
      };
    });
    return { number: season.number, name: season.name, releaseYear: season.releaseYear, episodes };
  });
}

function checkNumber(value: number, seen: Set<number>, field: string, fail: Fail): void {
  if (!inRange(value, 1, LIMITS.partNumber)) fail(field, `must be from 1 to ${LIMITS.partNumber}`);
  else if (seen.has(value)) fail(field, 'must be unique');
  seen.add(value);
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
