import { GENRES } from '@kinema/contracts';
import { createHash } from 'node:crypto';
import type { ValidTitle } from '../titles/title-input.validator';
import type { StoredMaturity } from '../titles/title.model';
import { itemSeed, Prng } from './prng';
import {
  adjectives,
  agents,
  goals,
  moods,
  nouns,
  roles,
  storyKinds,
  syllables,
  twists,
} from './word-lists';

type ValidSeason = ValidTitle['seasons'][number];
export type DemoEpisode = ValidSeason['episodes'][number] & { id: string };
export type DemoSeason = Omit<ValidSeason, 'episodes'> & { id: string; episodes: DemoEpisode[] };

/** A generated title: what the validator would accept, plus the deterministic ids. */
export interface DemoTitle extends Omit<ValidTitle, 'seasons'> {
  id: string;
  seasons: DemoSeason[];
}

export interface DemoOptions {
  /** Same seed, same catalog. */
  seed: number;
  /** Share of series among the titles (0 for a movies-only bulk load). */
  seriesShare: number;
  /** The year the catalog is generated "in": release years never pass it. */
  currentYear: number;
}

export const defaultDemoOptions: DemoOptions = {
  seed: 20_251_122,
  seriesShare: 0.3,
  currentYear: 2025,
};

const genreIds = GENRES.map((genre) => genre.id);
const genreSlug = new Map<number, string>(GENRES.map((genre) => [genre.id, genre.slug]));
const kidsGenres = new Set(['animation', 'family']);
const matureGenres = new Set(['horror', 'thriller', 'crime', 'war']);

/** UUID-shaped (version 5 bits set) digest of a name, so ids are stable across runs and machines. */
export function demoId(seed: number, name: string): string {
  const hex = createHash('sha256').update(`kinema-demo/${seed}/${name}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Title number `index` of the demo catalog; depends only on (options, index). */
export function generateDemoTitle(
  index: number,
  options: DemoOptions = defaultDemoOptions,
): DemoTitle {
  const rng = new Prng(itemSeed(options.seed, index));
  const id = demoId(options.seed, `title/${index}`);
  const isSeries = rng.chance(options.seriesShare);
  const name = titleName(rng);
  const genres = pickGenres(rng);
  const maturity = pickMaturity(rng, genres);
  const releaseYear = pickYear(rng, options.currentYear);
  const writers = isSeries ? 0 : 1;
  return {
    id,
    slug: `${slugify(name)}-${index.toString(36)}`,
    type: isSeries ? 'series' : 'movie',
    name,
    synopsis: synopsis(rng),
    releaseYear,
    runtimeMinutes: isSeries ? 0 : rng.int(78, 165),
    maturity,
    genreIds: genres,
    credits: [
      { personName: personName(rng), role: isSeries ? 'creator' : 'director', character: '' },
      ...Array.from({ length: writers }, () => ({
        personName: personName(rng),
        role: 'writer' as const,
        character: '',
      })),
      ...Array.from({ length: rng.int(2, 4) }, () => ({
        personName: personName(rng),
        role: 'cast' as const,
        character: characterName(rng),
      })),
    ],
    posterKey: `demo/posters/${id}.jpg`,
    backdropKey: `demo/backdrops/${id}.jpg`,
    availability: rng.chance(0.04) ? 'draft' : 'published',
    // Heavy-tailed like real viewing, rounded to cents so ties happen and the id tie-break matters.
    popularity: Math.round(rng.next() ** 3 * 100_000) / 100,
    seasons: isSeries ? seasons(rng, options.seed, index, releaseYear, options.currentYear) : [],
  };
}

/** Titles [from, from + count) of the demo catalog. */
export function generateDemoCatalog(
  count: number,
  options: DemoOptions = defaultDemoOptions,
  from = 0,
): DemoTitle[] {
  return Array.from({ length: count }, (_, offset) => generateDemoTitle(from + offset, options));
}

function seasons(
  rng: Prng,
  seed: number,
  index: number,
  firstYear: number,
  currentYear: number,
): DemoSeason[] {
  return Array.from({ length: rng.int(1, 4) }, (_, s) => ({
    id: demoId(seed, `title/${index}/season/${s + 1}`),
    number: s + 1,
    name: `Season ${s + 1}`,
    releaseYear: Math.min(firstYear + s, currentYear),
    episodes: Array.from({ length: rng.int(3, 10) }, (_, e) => ({
      id: demoId(seed, `title/${index}/season/${s + 1}/episode/${e + 1}`),
      number: e + 1,
      name: `${rng.pick(adjectives)} ${rng.pick(nouns)}`,
      synopsis: `${capitalise(rng.pick(twists))}, and everything changes.`,
      runtimeMinutes: rng.int(22, 58),
    })),
  }));
}

function titleName(rng: Prng): string {
  switch (rng.int(0, 4)) {
    case 0:
      return `The ${rng.pick(adjectives)} ${rng.pick(nouns)}`;
    case 1:
      return `${rng.pick(nouns)} ${rng.pick(agents)}`;
    case 2:
      return `${rng.pick(nouns)} of ${inventedWord(rng)}`;
    case 3:
      return inventedWord(rng);
    default:
      return `${rng.pick(adjectives)} ${rng.pick(agents)}`;
  }
}

function synopsis(rng: Prng): string {
  const mood = rng.pick(moods);
  const kind = rng.pick(storyKinds);
  const role = rng.pick(roles);
  return (
    `${mood} ${kind} about ${withArticle(role)} from ${inventedWord(rng)} ` +
    `who must ${rng.pick(goals)} before ${rng.pick(twists)}.`
  );
}

/** "a pilot", "an engineer": every role of the word list that starts with a vowel sounds so. */
function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function inventedWord(rng: Prng): string {
  const word = Array.from({ length: rng.int(2, 3) }, () => rng.pick(syllables)).join('');
  return capitalise(word);
}

function personName(rng: Prng): string {
  return `${inventedWord(rng)} ${inventedWord(rng)}${rng.pick(['', 'son', 'ová', 'ez', 'ine', 'ard'])}`;
}

function characterName(rng: Prng): string {
  return rng.chance(0.3) ? `The ${capitalise(rng.pick(roles))}` : inventedWord(rng);
}

function pickGenres(rng: Prng): number[] {
  const count = rng.int(1, 3);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.pick(genreIds));
  return [...picked].sort((a, b) => a - b);
}

function pickMaturity(rng: Prng, genres: readonly number[]): StoredMaturity {
  const slugs = genres.map((id) => genreSlug.get(id) ?? '');
  if (slugs.some((slug) => kidsGenres.has(slug))) return rng.pick([1, 1, 2, 2, 3] as const);
  if (slugs.some((slug) => matureGenres.has(slug))) return rng.pick([3, 4, 5, 5] as const);
  return rng.pick([1, 2, 3, 3, 4, 4, 5] as const);
}

function pickYear(rng: Prng, currentYear: number): number {
  // Skewed toward recent years, the way a streaming catalog is.
  return currentYear - Math.floor(rng.next() ** 2 * 70);
}

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
