import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { changeOf, TitleChangeBatcher } from './title-changes';

const title = (id: string) => ({ id, name: `Title ${id}` });

/** A cache as the home page and a search page leave it, each query watched (active). */
async function cacheWithPages() {
  const client = new QueryClient();
  const reads = { browse: 0, search: 0, titleB: 0 };
  const watch = async (queryKey: unknown[], read: () => unknown) => {
    const observer = new QueryObserver(client, { queryKey, queryFn: async () => read() });
    observer.subscribe(() => undefined);
    await vi.waitFor(() => expect(observer.getCurrentResult().isSuccess).toBe(true));
  };
  await watch(['browse', 'profile-1'], () => {
    reads.browse += 1;
    return { rows: [{ id: 'trending', items: [title('a'), title('b')] }] };
  });
  await watch(['titles', { q: 'harbour' }, 20], () => {
    reads.search += 1;
    return { pages: [{ items: [title('c')] }] };
  });
  await watch(['title', 'b'], () => {
    reads.titleB += 1;
    return title('b');
  });
  return { client, reads, before: { ...reads } };
}

describe('title changes from /ws', () => {
  let hidden: boolean;

  beforeEach(() => {
    hidden = false;
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads again only the queries that show the changed title', async () => {
    const { client, reads, before } = await cacheWithPages();
    const batcher = new TitleChangeBatcher(client, { delayMs: 250, hidden: () => hidden });
    batcher.add(
      changeOf({
        type: 'title.updated',
        eventId: 'e1',
        title: title('b'),
        changedFields: ['name'],
      }),
    );
    await vi.advanceTimersByTimeAsync(300);
    await vi.waitFor(() => expect(reads.titleB).toBe(before.titleB + 1));
    expect(reads.browse).toBe(before.browse + 1);
    expect(reads.search).toBe(before.search);
  });

  it('reads a query once for a whole burst of changes', async () => {
    const { client, reads, before } = await cacheWithPages();
    const batcher = new TitleChangeBatcher(client, { delayMs: 250, hidden: () => hidden });
    for (let n = 0; n < 100; n += 1)
      batcher.add(
        changeOf({
          type: 'title.updated',
          eventId: `e${n}`,
          title: title(n % 2 ? 'a' : 'b'),
          changedFields: ['artwork'],
        }),
      );
    await vi.advanceTimersByTimeAsync(300);
    await vi.waitFor(() => expect(reads.browse).toBe(before.browse + 1));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads.browse).toBe(before.browse + 1);
  });

  it('reads the home page again when a title it does not show may now belong in a row', async () => {
    const { client, reads, before } = await cacheWithPages();
    const batcher = new TitleChangeBatcher(client, { delayMs: 250, hidden: () => hidden });
    batcher.add(changeOf({ type: 'title.published', eventId: 'e1', title: title('z') }));
    await vi.advanceTimersByTimeAsync(300);
    await vi.waitFor(() => expect(reads.browse).toBe(before.browse + 1));
    expect(reads.search).toBe(before.search);
    expect(client.getQueryState(['titles', { q: 'harbour' }, 20])?.isInvalidated).toBe(true);
  });

  it('asks nothing while the tab is hidden, and catches up once when it is seen again', async () => {
    const { client, reads, before } = await cacheWithPages();
    const batcher = new TitleChangeBatcher(client, { delayMs: 250, hidden: () => hidden });
    hidden = true;
    batcher.add(
      changeOf({
        type: 'title.updated',
        eventId: 'e1',
        title: title('a'),
        changedFields: ['name'],
      }),
    );
    batcher.add(
      changeOf({
        type: 'title.updated',
        eventId: 'e2',
        title: title('a'),
        changedFields: ['synopsis'],
      }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reads).toEqual(before);
    hidden = false;
    batcher.schedule();
    await vi.advanceTimersByTimeAsync(300);
    await vi.waitFor(() => expect(reads.browse).toBe(before.browse + 1));
  });
});
