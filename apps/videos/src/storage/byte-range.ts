/** An inclusive byte range of a stored video, as S3's Range header takes it. */
export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * The bytes a ReadVideo(offset, length) covers in a file of `size` bytes: length 0 reads to the
 * end and a range past the end is cut there (as HTTP does). Null when nothing can be served.
 */
export function resolveRange(size: number, offset: number, length: number): ByteRange | null {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) return null;
  if (offset < 0 || length < 0 || offset >= size) return null;
  const end = length === 0 ? size - 1 : Math.min(size - 1, offset + length - 1);
  return { start: offset, end };
}

export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}

/** `bytes=start-end`, the Range header of an S3 GetObject. */
export function rangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end}`;
}
