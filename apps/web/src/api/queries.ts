import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api, data } from './client';
import type { GenreSlug, TitleType } from './types';
import type { paths } from './generated/schema';

export type TitleQuery = NonNullable<paths['/api/v1/titles']['get']['parameters']['query']>;

const PAGE_SIZE = 20;

/** A list of titles read page by page with the API's keyset cursor. */
export function titlesQuery(query: Omit<TitleQuery, 'cursor' | 'limit'>) {
  return infiniteQueryOptions({
    queryKey: ['titles', query],
    queryFn: ({ pageParam, signal }) =>
      data(
        api.GET('/api/v1/titles', {
          params: {
            query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
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
    queryKey: ['title', id],
    queryFn: ({ signal }) =>
      data(api.GET('/api/v1/titles/{id}', { params: { path: { id } }, signal })),
  });
}

export const genresQuery = queryOptions({
  queryKey: ['genres'],
  queryFn: ({ signal }) => data(api.GET('/api/v1/genres', { signal })),
  staleTime: 5 * 60_000,
});

export function myListQuery(profileId: string) {
  return infiniteQueryOptions({
    queryKey: ['my-list', profileId],
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
    queryKey: ['continue-watching', profileId],
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
