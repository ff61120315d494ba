import {
  AVAILABILITIES,
  Availability,
  maturityRank,
  TITLE_TYPES,
  TitleType,
  type ListTitlesRequest,
  type Title,
  type TitleSnapshot,
  type Visibility,
} from '@kinema/contracts';
import type { TitleChange } from './title-change';

/**
 * Which titles a list may show: the filters of ListTitlesRequest, or only a visibility for rows
 * that can take any title the viewer may see (browse).
 */
export type TitleFilter = Partial<
  Pick<ListTitlesRequest, 'genre' | 'type' | 'yearFrom' | 'yearTo' | 'query' | 'availability'>
> & {
  visibility: Visibility | undefined;
  /** Rows show only titles with a video ready. */
  playableOnly?: boolean;
};

/**
 * What a cached entry shows, so that a title's change drops exactly the entries it can affect:
 * one title's own answer; a list of titles (and, if new titles can enter it, the filter they
 * would have to pass); or nothing that depends on titles (the genre vocabulary).
 */
export type CacheScope =
  | { kind: 'title'; titleId: string }
  | { kind: 'titles'; titleIds: readonly string[]; filter?: TitleFilter }
  | { kind: 'vocabulary' };

/** Whether a title as it is now passes a list's filter, i.e. may have entered that list. */
export function passes(filter: TitleFilter, title: TitleSnapshot): boolean {
  const ceiling = filter.visibility && maturityRank(filter.visibility.maxMaturity);
  if (ceiling !== undefined && title.maturityRating > ceiling) return false;
  if (title.availability === 'draft' && !filter.visibility?.includeDrafts) return false;
  if (filter.availability === Availability.AVAILABILITY_DRAFT && title.availability !== 'draft')
    return false;
  if (
    filter.availability === Availability.AVAILABILITY_PUBLISHED &&
    title.availability !== 'published'
  )
    return false;
  if (filter.playableOnly && !title.playable) return false;
  if (filter.genre && !title.genres.includes(filter.genre)) return false;
  if (
    filter.type &&
    filter.type !== TitleType.TITLE_TYPE_UNSPECIFIED &&
    TITLE_TYPES.toProto(title.type) !== filter.type
  )
    return false;
  if (filter.yearFrom && title.releaseYear < filter.yearFrom) return false;
  if (filter.yearTo && title.releaseYear > filter.yearTo) return false;
  // A text query is matched by the catalog's search index, which the gateway cannot evaluate:
  // any title passing the other filters may match it.
  return true;
}

/** Whether a change can alter what an entry of this scope shows. */
export function affects(scope: CacheScope, change: TitleChange): boolean {
  switch (scope.kind) {
    case 'vocabulary':
      return false;
    case 'title':
      return scope.titleId === change.titleId;
    case 'titles':
      if (scope.titleIds.includes(change.titleId)) return true;
      return (
        scope.filter !== undefined && change.now !== undefined && passes(scope.filter, change.now)
      );
  }
}

/** The change a write through this gateway made, from the title the catalog answered with. */
export function changeOfTitle(title: Title): TitleChange {
  const rank = maturityRank(title.maturityRating);
  return {
    titleId: title.id,
    now: {
      id: title.id,
      slug: title.slug,
      name: title.name,
      type: TITLE_TYPES.toName(title.type) ?? 'movie',
      availability: AVAILABILITIES.toName(title.availability) ?? 'published',
      maturityRating: rank ?? 0,
      releaseYear: title.releaseYear,
      genres: title.genres.map((genre) => genre.slug),
      playable: title.playable,
      version: title.version,
    },
  };
}

/** Browse rows: the titles they show, and any title the viewer may see can enter one. */
export function browseScope(
  visibility: Visibility | undefined,
  rows: ReadonlyArray<{ titles: ReadonlyArray<{ id: string }> }>,
): CacheScope {
  return {
    kind: 'titles',
    titleIds: rows.flatMap((row) => row.titles.map((title) => title.id)),
    filter: { visibility, playableOnly: true },
  };
}
