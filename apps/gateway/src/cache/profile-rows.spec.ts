import { jsonRepresentation } from '../http/representation';
import { ProfileRows, type RowPiece } from './profile-rows';

const A = 'a0000000-0000-4000-8000-000000000001';
const B = 'b0000000-0000-4000-8000-000000000002';

const piece = (titleIds: string[], bytes = 10): RowPiece => ({
  items: Buffer.alloc(bytes, 'x'),
  count: titleIds.length,
  titleIds,
});

/** A load the test finishes when it wants, to put a write or a change in the middle of it. */
function pending(): { load: () => Promise<RowPiece>; finish: (value: RowPiece) => void } {
  let finish: (value: RowPiece) => void = () => undefined;
  const promise = new Promise<RowPiece>((resolve) => (finish = resolve));
  return { load: () => promise, finish };
}

describe('ProfileRows', () => {
  it("keeps a profile's piece until the profile changes that row", async () => {
    const rows = new ProfileRows({ ttlMs: 60_000, maxBytes: 1_000_000 });
    const first = piece([A]);
    await rows.piece('p1', 'my-list', 'v', async () => first);
    await rows.piece('p1', 'continue-watching', 'v', async () => piece([B]));
    expect(rows.peek('p1', 'my-list', 'v')).toBe(first);
    expect(rows.peek('p2', 'my-list', 'v')).toBeUndefined();
    rows.drop('p1', 'my-list');
    expect(rows.peek('p1', 'my-list', 'v')).toBeUndefined();
    expect(rows.peek('p1', 'continue-watching', 'v')).toBeDefined();
  });

  it('does not keep a load that a write of the profile overtook', async () => {
    const rows = new ProfileRows({ ttlMs: 60_000, maxBytes: 1_000_000 });
    const slow = pending();
    const loading = rows.piece('p1', 'my-list', 'v', slow.load);
    rows.drop('p1', 'my-list');
    slow.finish(piece([A]));
    await loading;
    expect(rows.peek('p1', 'my-list', 'v')).toBeUndefined();
  });

  it('drops the pieces naming a changed title, and does not keep a load that such a change overtook', async () => {
    const rows = new ProfileRows({ ttlMs: 60_000, maxBytes: 1_000_000 });
    await rows.piece('p1', 'my-list', 'v', async () => piece([A]));
    await rows.piece('p2', 'my-list', 'v', async () => piece([B]));
    const slow = pending();
    const loading = rows.piece('p3', 'my-list', 'v', slow.load);
    rows.dropTitles({ titleId: A });
    slow.finish(piece([A, B]));
    await loading;
    expect(rows.peek('p1', 'my-list', 'v')).toBeUndefined();
    expect(rows.peek('p2', 'my-list', 'v')).toBeDefined();
    expect(rows.peek('p3', 'my-list', 'v')).toBeUndefined();
  });

  it('keeps a composed page while its parts are the same, and composes again when one changes', async () => {
    const rows = new ProfileRows({ ttlMs: 60_000, maxBytes: 1_000_000 });
    const listed = await rows.piece('p1', 'my-list', 'v', async () => piece([A]));
    const shared = jsonRepresentation({ rows: [] });
    let compositions = 0;
    const compose = () => jsonRepresentation({ n: ++compositions });
    const page = rows.page('p1', 'home', shared, [listed], compose);
    expect(rows.page('p1', 'home', shared, [listed], compose)).toBe(page);
    const newer = jsonRepresentation({ rows: [1] });
    expect(rows.page('p1', 'home', newer, [listed], compose)).not.toBe(page);
    expect(compositions).toBe(2);
  });

  it('holds no more bytes than its cap, forgetting the least recently used profiles', async () => {
    const rows = new ProfileRows({ ttlMs: 60_000, maxBytes: 1_000 });
    for (const profile of ['p1', 'p2', 'p3'])
      await rows.piece(profile, 'my-list', 'v', async () => piece([A], 400));
    expect(rows.peek('p1', 'my-list', 'v')).toBeUndefined();
    expect(rows.peek('p2', 'my-list', 'v')).toBeDefined();
    expect(rows.peek('p3', 'my-list', 'v')).toBeDefined();
  });

  it('loads every time with a TTL of 0', async () => {
    const rows = new ProfileRows({ ttlMs: 0, maxBytes: 1_000_000 });
    let loads = 0;
    for (let n = 0; n < 2; n++)
      await rows.piece('p1', 'my-list', 'v', async () => (loads++, piece([A])));
    expect(loads).toBe(2);
  });
});
