import type { QueryClient } from '@tanstack/react-query';
import { QUERY_ROOTS } from '../api/queries';
import type { LiveNotification } from './live-updates';

/**
 * Fields (the catalog's names in `changedFields`) whose change can move a title into or out of a
 * home-page row: what it is shown to, whether it can be played, and the rows' orders and genres.
 */
const MEMBERSHIP_FIELDS: ReadonlySet<string> = new Set([
  'availability',
  'playable',
  'genre_slugs',
  'maturity_rating',
  'release_year',
  'popularity',
]);

/** What a notification means for the cached queries. */
export interface TitleChange {
  titleId: string;
  /** The title may now belong in rows that do not show it yet. */
  mayMove: boolean;
}

export function changeOf(note: LiveNotification): TitleChange {
  return {
    titleId: note.title.id,
    mayMove:
      note.type === 'title.published' ||
      note.changedFields.some((field) => MEMBERSHIP_FIELDS.has(field)),
  };
}

/** Whether a query's data shows any of these titles (an object with one of their ids). */
export function showsAny(data: unknown, ids: ReadonlySet<string>): boolean {
  if (Array.isArray(data)) return data.some((item) => showsAny(item, ids));
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  if (typeof record['id'] === 'string' && ids.has(record['id'])) return true;
  return Object.values(record).some((value) => typeof value === 'object' && showsAny(value, ids));
}

export interface BatchOptions {
  /** Changes arriving within this long are applied together (one refetch per query). */
  delayMs: number;
  /** While true nothing is refetched: the changes wait until the page is seen again. */
  hidden: () => boolean;
}

/**
 * Applies title changes to the cache without storms: only the queries that show a changed title
 * (or, when it may have moved, the home page) are read again, once per batch however many
 * changes the batch holds, and not at all while the tab is hidden.
 */
export class TitleChangeBatcher {
  private readonly pending = new Set<string>();
  private mayMove = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: QueryClient,
    private readonly options: BatchOptions,
  ) {}

  add(change: TitleChange): void {
    this.pending.add(change.titleId);
    this.mayMove ||= change.mayMove;
    this.schedule();
  }

  /** The page became visible (or the timer ran): what waited is applied now. */
  schedule(): void {
    if (this.timer !== undefined || this.pending.size === 0 || this.options.hidden()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.delayMs);
  }

  flush(): void {
    if (this.pending.size === 0) return;
    if (this.options.hidden()) return;
    const ids = new Set(this.pending);
    const mayMove = this.mayMove;
    this.pending.clear();
    this.mayMove = false;
    // One call: each further invalidateQueries would cancel and restart the refetches of the last.
    void this.client.invalidateQueries({
      predicate: (query) =>
        (mayMove && query.queryKey[0] === QUERY_ROOTS.browse) || showsAny(query.state.data, ids),
    });
    // Lists a moved title may now enter are read again when next shown, not now.
    if (mayMove)
      void this.client.invalidateQueries({
        queryKey: [QUERY_ROOTS.titles],
        refetchType: 'none',
      });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
