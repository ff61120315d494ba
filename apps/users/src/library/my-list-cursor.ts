const PREFIX = 'ml1:';
const POSITION_PATTERN = /^[1-9]\d{0,18}$/;

/**
 * Cursors are the list position of the last item served, opaque to clients. They need no
 * signature: a forged one only moves within the caller's own list, which they may read anyway.
 */
export function encodeMyListCursor(position: string): string {
  return Buffer.from(`${PREFIX}${position}`).toString('base64url');
}

/** The position, or undefined when the cursor is not one of ours. */
export function decodeMyListCursor(cursor: string): string | undefined {
  if (cursor.length > 64) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(PREFIX)) return undefined;
  const position = decoded.slice(PREFIX.length);
  return POSITION_PATTERN.test(position) && BigInt(position) <= 9_223_372_036_854_775_807n
    ? position
    : undefined;
}
