import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api, data } from './client';
import type { GenreSlug, TitleType } from '../schema/types';
import type { paths } from '../schema/generated/schema';

export type TitleQuery = NonNullable<paths['/api/v1/titles']['get']['parameters']['query']>;

const PAGE_SIZE = 20;
/** Titles per home-page row: a screen and a half at desktop width. */
const ROW_SIZE = 20;

/**
 * The query keys, one place: live updates (live/title-changes.ts) find the queries a changed
 * title can be in by these first words.
 */
export const QUERY_ROOTS = {
  browse: 'browse',
  titles: 'titles',
  title: 'title',
  myList: 'my-list',
  continueWatching: 'continue-watching',
  profiles: 'profiles',
} as const;

/**
 * The home page, in one request: every row, and as a profile Continue watching (with where it
 * stopped) and My List. `viewer` keys it to who is browsing (the profile's ceiling applies).
 */
export function browseQuery(viewer: string) {
  return queryOptions({
    queryKey: [QUERY_ROOTS.browse, viewer],
    queryFn: ({ signal }) =>
      data(api.GET('/api/v1/browse', { params: { query: { rowLimit: ROW_SIZE } }, signal })),
  });
}

/** A list of titles read page by page with the API's keyset cursor. */
export function titlesQuery(query: Omit<TitleQuery, 'cursor' | 'limit'>, pageSize = PAGE_SIZE) {
  return infiniteQueryOptions({
    queryKey: [QUERY_ROOTS.titles, query, pageSize],
    queryFn: ({ pageParam, signal }) =>
      data(
        api.GET('/api/v1/titles', {
          params: {
            query: { ...query, limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function titleQuery(id: string) {
  return queryOptions({
    queryKey: [QUERY_ROOTS.title, id],
    queryFn: ({ signal }) =>
      data(api.GET('/api/v1/titles/{id}', { params: { path: { id } }, signal })),
  });
}

/** The account's profiles, for the profile picker and Manage profiles. */
export const profilesQuery = queryOptions({
  queryKey: [QUERY_ROOTS.profiles],
  queryFn: () => data(api.GET('/api/v1/me/profiles')),
});

export const genresQuery = queryOptions({
  queryKey: ['genres'],
  queryFn: ({ signal }) => data(api.GET('/api/v1/genres', { signal })),
  staleTime: 5 * 60_000,
});

export function myListQuery(profileId: string) {
  return infiniteQueryOptions({
    queryKey: [QUERY_ROOTS.myList, profileId],
    queryFn: ({ pageParam, signal }) =>
      data(
        api.GET('/api/v1/me/profiles/{profileId}/list', {
          params: {
            path: { profileId },
            query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function continueWatchingQuery(profileId: string) {
  return queryOptions({
    queryKey: [QUERY_ROOTS.continueWatching, profileId],
    queryFn: ({ signal }) =>
      data(
        api.GET('/api/v1/me/profiles/{profileId}/continue-watching', {
          params: { path: { profileId } },
          signal,
        }),
      ),
  });
}

export type { GenreSlug, TitleType };
