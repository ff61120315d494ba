/** What a GET of a video answers, decided from its Range and If-Range headers (RFC 9110 §14). */
export type RangeDecision =
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

/**
 * A single byte range is served as 206; anything else the spec lets a server ignore (several
 * ranges, a unit other than bytes, bad syntax, an If-Range that does not match) gets the whole
 * file. Several ranges would need multipart/byteranges, which no video player asks for.
 */
export function decideRange(
  size: number,
  etag: string,
  range: string | undefined,
  ifRange: string | undefined,
): RangeDecision {
  if (range === undefined) return { kind: 'whole' };
  // If-Range with a date or another entity tag: the client's copy is stale; send it all.
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'whole' };
  const match = SINGLE_RANGE.exec(range.trim());
  if (!match) return { kind: 'whole' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'whole' };
  return { kind: 'partial', start, end };
}

/** Whether If-None-Match names the current entity tag (weak comparison, as RFC 9110 asks). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => strip(tag) === etag);
}
