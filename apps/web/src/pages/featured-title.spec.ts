import { describe, expect, it } from 'vitest';
import type { BrowseRow, Title } from '../schema/types';
import { featuredTitle } from './featured-title';

const STORED = `artwork/backdrop/${'a'.repeat(64)}`;
const title = (id: string, backdropKey?: string) =>
  ({ id, artwork: { posterKey: undefined, backdropKey } }) as unknown as Title;
const row = (id: string, items: Title[]) => ({ id, items }) as unknown as BrowseRow;

describe('the featured title', () => {
  it('is the first trending title with a stored backdrop', () => {
    const rows = [
      row('new-releases', [title('new', STORED)]),
      row('trending', [title('drawn'), title('stored', STORED)]),
    ];
    expect(featuredTitle(rows)?.id).toBe('stored');
  });

  it('comes from the rows below when no trending title has a backdrop, never from Continue watching', () => {
    const rows = [
      row('continue-watching', [title('watching', STORED)]),
      row('trending', [title('drawn')]),
      row('new-releases', [title('new', STORED)]),
    ];
    expect(featuredTitle(rows)?.id).toBe('new');
  });

  it('is the featured row’s first title when no title on the page has a backdrop', () => {
    const rows = [
      row('continue-watching', [title('watching')]),
      row('new-releases', [title('a'), title('b')]),
    ];
    expect(featuredTitle(rows)?.id).toBe('a');
    expect(featuredTitle([])).toBeUndefined();
  });
});
