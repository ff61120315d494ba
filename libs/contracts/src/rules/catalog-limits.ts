/**
 * What a title may hold, as the gateway's request validation and the catalog's own validation both
 * enforce it (lengths in characters, see text.ts).
 */
export const TITLE_LIMITS = {
  slugLength: 100,
  nameLength: 200,
  synopsisLength: 2000,
  runtimeMinutes: 1000,
  genres: 10,
  credits: 100,
  personNameLength: 200,
  characterLength: 200,
  seasons: 100,
  episodesPerSeason: 500,
  /** Season and episode numbers run from 1 to this. */
  partNumber: 1000,
  popularity: 1_000_000,
} as const;

/** The first film (Roundhay Garden Scene); no release year is earlier. */
export const FIRST_RELEASE_YEAR = 1888;

/** The latest release year accepted: announced titles may be up to five years ahead. */
export function latestReleaseYear(now: Date = new Date()): number {
  return now.getUTCFullYear() + 5;
}

/** Object-storage keys of artwork (poster, backdrop): no leading slash, no spaces, no `..`-tricks. */
export const ARTWORK_KEY = {
  maxLength: 255,
  pattern: /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,254}$/,
} as const;

/** Page sizes and other bounds of the catalog's reads. */
export const CATALOG_READ_LIMITS = {
  defaultPageSize: 20,
  maxPageSize: 100,
  /** A search query, in characters. */
  queryLength: 200,
  /** Word prefixes of a query that are searched; later ones are ignored. */
  queryTerms: 12,
  batchIds: 100,
  defaultRowLimit: 20,
  maxRowLimit: 50,
} as const;

/**
 * The words a search looks for: its runs of letters and digits, lower-cased; everything else
 * (punctuation, tsquery operators) only separates them. A query with none searches for nothing,
 * and the catalog refuses it.
 */
export function searchWords(query: string): string[] {
  return query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The longest opaque page cursor the API takes (`nextCursor` of any list). Each service checks
 * that a cursor is one it issued; this only bounds what the edge reads before passing it on.
 */
export const CURSOR_MAX_LENGTH = 1024;

/** The characters of every cursor the services issue (base64url and dots). */
export const CURSOR_PATTERN = /^[A-Za-z0-9_.-]+$/;
