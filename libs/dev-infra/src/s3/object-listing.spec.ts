import { listObjectsPage } from './object-listing';
import type { StoredObject } from './object-store';

const objects = (...keys: string[]): StoredObject[] =>
  keys.map((key) => ({
    key,
    size: 1,
    etag: 'e',
    lastModified: '2024-01-01T00:00:00.000Z',
    bodyFile: 'f',
    headers: {},
    metadata: {},
  }));

describe('listObjectsPage', () => {
  const sorted = objects('a/1', 'a/2', 'b', 'c/1', 'c/2', 'd');

  it('rolls keys up to the delimiter into common prefixes that count once towards maxKeys', () => {
    const page = listObjectsPage(sorted, { prefix: '', delimiter: '/', after: '', maxKeys: 3 });
    expect(page.commonPrefixes).toEqual(['a/', 'c/']);
    expect(page.contents.map((o) => o.key)).toEqual(['b']);
    expect(page).toMatchObject({ isTruncated: true, lastEntry: 'c/' });
  });

  it('resumes after a common prefix without repeating it', () => {
    const page = listObjectsPage(sorted, { prefix: '', delimiter: '/', after: 'c/', maxKeys: 3 });
    expect(page.commonPrefixes).toEqual([]);
    expect(page.contents.map((o) => o.key)).toEqual(['d']);
    expect(page.isTruncated).toBe(false);
  });

  it('lists flat under a prefix when no delimiter is given', () => {
    const page = listObjectsPage(sorted, { prefix: 'c/', delimiter: '', after: '', maxKeys: 1000 });
    expect(page.contents.map((o) => o.key)).toEqual(['c/1', 'c/2']);
  });
});
