/** An inclusive byte range within an object, as served in Content-Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Resolves a Range header against an object size: `null` means serve the whole object (no header,
 * or one S3 ignores such as a multi-range), `'unsatisfiable'` means answer 416.
 */
export function resolveRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // Suffix form: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  // RFC 9110: a range whose last byte precedes its first is invalid and the header is ignored.
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
