import type { StoredObject } from './object-store';

export interface ListingOptions {
  prefix: string;
  delimiter: string;
  /** Exclusive lower bound: the last key or common prefix already returned. */
  after: string;
  maxKeys: number;
}

export interface ListingPage {
  contents: StoredObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix in this page; the marker for the next one. */
  lastEntry?: string;
}

/**
 * One page of a ListObjects(V2) answer over key-sorted objects. Keys sharing the part of their
 * name up to the delimiter (after the prefix) roll up into one common prefix, which counts as a
 * single entry towards maxKeys, as in S3.
 */
export function listObjectsPage(sorted: StoredObject[], options: ListingOptions): ListingPage {
  const { prefix, delimiter, after, maxKeys } = options;
  const page: ListingPage = { contents: [], commonPrefixes: [], isTruncated: false };
  let count = 0;
  for (const object of sorted) {
    if (!object.key.startsWith(prefix) || (after !== '' && object.key <= after)) continue;
    const cut = delimiter === '' ? -1 : object.key.indexOf(delimiter, prefix.length);
    const entry = cut === -1 ? object.key : object.key.slice(0, cut + delimiter.length);
    // Keys under a common prefix already returned (here or on an earlier page) are skipped.
    if (cut !== -1 && (entry === page.lastEntry || (after !== '' && entry <= after))) continue;
    if (count === maxKeys) {
      page.isTruncated = true;
      break;
    }
    if (cut === -1) page.contents.push(object);
    else page.commonPrefixes.push(entry);
    page.lastEntry = entry;
    count += 1;
  }
  return page;
}

/** Opaque V2 continuation token: the page's last entry, base64url-encoded. */
export const encodeContinuationToken = (lastEntry: string): string =>
  Buffer.from(lastEntry, 'utf8').toString('base64url');

export const decodeContinuationToken = (token: string): string =>
  Buffer.from(token, 'base64url').toString('utf8');
