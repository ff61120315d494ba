import type { RowPiece } from '../cache/profile-rows';
import { weakEtagOfBytes } from '../http/cache-headers';
import {
  browseRowsRepresentation,
  composeHomePage,
  CONTINUE_WATCHING_ROW_ID,
  MY_LIST_ROW_ID,
} from './home-page';
import type { BrowseRowView, BrowseView, TitleView } from './title.view';

const title = (id: string, name: string) =>
  ({
    id,
    slug: id,
    name,
    synopsis: 'A "quoted" synopsis, with, commas }]',
    genres: [],
  }) as unknown as TitleView;
const row = (id: string, items: TitleView[]): BrowseRowView => ({ id, name: `Row ${id}`, items });

function piece(items: TitleView[], withProgress: boolean): RowPiece {
  return {
    items: Buffer.from(JSON.stringify(items)),
    count: items.length,
    ...(withProgress
      ? {
          progress: Buffer.from(
            JSON.stringify(
              items.map((t) => ({
                titleId: t.id,
                episodeId: null,
                positionSeconds: 60,
                durationSeconds: 600,
              })),
            ),
          ),
        }
      : {}),
    titleIds: items.map((t) => t.id),
  };
}

/** The page as the controller used to build it: the view, serialised whole. */
function serialised(rows: BrowseRowView[], started: TitleView[], listed: TitleView[]): string {
  const [first, ...others] = rows;
  const view: BrowseView = {
    rows: [
      ...(started.length
        ? [{ id: CONTINUE_WATCHING_ROW_ID, name: 'Continue watching', items: started }]
        : []),
      ...(first ? [first] : []),
      ...(listed.length ? [{ id: MY_LIST_ROW_ID, name: 'My List', items: listed }] : []),
      ...others,
    ],
    progress: started.map((t) => ({
      titleId: t.id,
      episodeId: null,
      positionSeconds: 60,
      durationSeconds: 600,
    })),
  };
  return JSON.stringify(view);
}

describe('composing the signed-in home page from cached bytes', () => {
  const [a, b, c] = [title('a', 'Ä'), title('b', 'B'), title('c', 'C')];
  const catalogs: Record<string, BrowseRowView[]> = {
    'no catalog rows': [],
    'one catalog row': [row('new', [a, b])],
    'three catalog rows': [row('new', [a, b]), row('popular', [c]), row('drama', [b, c])],
  };
  const personal: Record<string, [TitleView[], TitleView[]]> = {
    'nothing started or listed': [[], []],
    'titles started only': [[c], []],
    'titles listed only': [[], [a, b]],
    both: [[b, c], [a]],
  };

  for (const [catalogCase, rows] of Object.entries(catalogs))
    for (const [personalCase, [started, listed]] of Object.entries(personal))
      it(`sends the bytes of the whole page serialised, with ${catalogCase} and ${personalCase}`, () => {
        const page = composeHomePage(
          browseRowsRepresentation(rows),
          piece(started, true),
          piece(listed, false),
        );
        const expected = serialised(rows, started, listed);
        expect(page.body.toString('utf8')).toBe(expected);
        expect(page.etag).toBe(weakEtagOfBytes(expected));
        expect(page.personal).toBe(true);
      });
});
