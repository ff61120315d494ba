import { CATALOG_READ_LIMITS } from '@kinema/contracts';
import { jsonOf, type ApiClient } from './api-client';
import type { ListView, TitleView } from './api-views';

/** The words of a title's name a person might search for: three letters or more, lower case. */
export function wordsOf(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => [...word].length >= 3);
}

/**
 * The search vocabulary of a run: the words of the most popular titles' names, read from the
 * catalog itself (whatever it holds), in a stable order so a seed picks the same words again.
 */
export async function catalogWords(api: ApiClient, pages = 3): Promise<string[]> {
  const words = new Set<string>();
  let cursor: string | null | undefined;
  for (let page = 0; page < pages; page++) {
    const query = `limit=${CATALOG_READ_LIMITS.maxPageSize}&sort=popular${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer = await api.send({ method: 'GET', path: `/api/v1/titles?${query}` });
    const listed = answer.status === 200 ? jsonOf<ListView<TitleView>>(answer) : undefined;
    if (!listed) break;
    for (const title of listed.items) for (const word of wordsOf(title.name)) words.add(word);
    cursor = listed.nextCursor;
    if (!cursor) break;
  }
  return [...words].sort();
}
