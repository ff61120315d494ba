import { isUuid, type TitleSortName } from '@kinema/contracts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type ListSort = TitleSortName;

/**
 * Position after the last row of a page: the sort key and id of that row. `name` keys are
 * strings (sort_name), `newest`, `popular` and `trending` numbers, `relevance` a string
 * `<tier>:<popularity>` (see relevanceKeyOf).
 */
export interface CursorPosition {
  sort: ListSort;
  key: string | number;
  id: string;
}

interface CursorPayload {
  s: ListSort;
  k: string | number;
  i: string;
  /** Digest of the filters the cursor was issued for. */
  f: string;
}

const VERSION = 'c1';
const sorts: readonly ListSort[] = ['name', 'newest', 'popular', 'relevance', 'trending'];
// The tier, then the popularity as PostgreSQL writes a double precision (shortest exact form).
const relevanceKeyPattern = /^([0-4]):(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

/** A relevance key's parts: the match tier and the popularity. */
export function relevanceKeyOf(key: string | number): { tier: number; popularity: string } {
  const match = relevanceKeyPattern.exec(String(key));
  if (!match) throw new Error(`not a relevance key: ${key}`);
  return { tier: Number(match[1]), popularity: match[2] ?? '' };
}

/** A short digest of everything that selects and orders rows; a cursor only continues the same listing. */
export function filterDigest(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(filters)
      .sort()
      .map((key) => [key, filters[key]]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** Signs positions into opaque cursors (`c1.<payload>.<hmac>`) and verifies them back. */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(position: CursorPosition, digest: string): string {
    const payload: CursorPayload = { s: position.sort, k: position.key, i: position.id, f: digest };
    const body = `${VERSION}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The position, or undefined when the cursor is forged, damaged or from another listing. */
  decode(cursor: string, sort: ListSort, digest: string): CursorPosition | undefined {
    const parts = cursor.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(parts[2] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const payload = parsePayload(parts[1] ?? '');
    if (!payload || payload.s !== sort || payload.f !== digest) return undefined;
    return { sort: payload.s, key: payload.k, id: payload.i };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

// The signature already vouches for the payload; the shape checks guard against a leaked secret
// or a bug ever turning a cursor into a malformed SQL parameter.
function parsePayload(encoded: string): CursorPayload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { s, k, i, f } = value as Record<string, unknown>;
  if (typeof s !== 'string' || !sorts.includes(s as ListSort)) return undefined;
  if (typeof i !== 'string' || !isUuid(i) || typeof f !== 'string') return undefined;
  const sort = s as ListSort;
  const keyOk =
    sort === 'name'
      ? typeof k === 'string'
      : sort === 'relevance'
        ? typeof k === 'string' && relevanceKeyPattern.test(k)
        : typeof k === 'number' && Number.isFinite(k);
  if (!keyOk) return undefined;
  return { s: sort, k: k as string | number, i, f };
}
