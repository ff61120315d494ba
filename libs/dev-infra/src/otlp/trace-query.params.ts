import type { TraceQuery } from './trace.store';

/** Input of the query API or of `kinema trace` that cannot be used; the message says why. */
export class TraceQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceQueryError';
  }
}

/** How many summaries one list may return, and how many it returns unless asked. */
export const TRACE_LIST_LIMIT = { default: 20, max: 500 } as const;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `2h`, `1d` in milliseconds; throws TraceQueryError naming the input. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  const unit = match ? UNIT_MS[match[2] ?? ''] : undefined;
  if (!match || unit === undefined) {
    throw new TraceQueryError(
      `"${text}" is not a duration: a whole number and a unit, ms, s, m, h or d (e.g. 10m)`,
    );
  }
  return Number(match[1]) * unit;
}

/** A W3C trace id: 32 hex digits, not all zero; returned in lowercase. */
export function parseTraceId(text: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(text) || /^0+$/.test(text)) {
    throw new TraceQueryError(
      `"${text.slice(0, 64)}" is not a trace id: 32 hexadecimal digits, not all zero`,
    );
  }
  return text.toLowerCase();
}

function oneOf<T extends string>(
  name: string,
  value: string | null,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === null) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new TraceQueryError(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

const KNOWN = new Set(['sort', 'root', 'service', 'route', 'since', 'limit']);

/**
 * The list query of GET /api/traces: sort, root, service, route, since (a duration back from
 * `nowMs`), limit. Throws TraceQueryError for a parameter that is unknown or not valid.
 */
export function parseTraceListQuery(params: URLSearchParams, nowMs: number): TraceQuery {
  for (const name of params.keys()) {
    if (!KNOWN.has(name)) {
      throw new TraceQueryError(`unknown parameter "${name}"; known: ${[...KNOWN].join(', ')}`);
    }
  }
  const rawLimit = params.get('limit');
  const limit = rawLimit === null ? TRACE_LIST_LIMIT.default : Number(rawLimit);
  if (!/^\d+$/.test(rawLimit ?? '1') || limit < 1 || limit > TRACE_LIST_LIMIT.max) {
    throw new TraceQueryError(
      `limit must be a whole number from 1 to ${TRACE_LIST_LIMIT.max}, got "${rawLimit}"`,
    );
  }
  const text = (name: string): string | undefined => {
    const value = params.get(name);
    if (value === null) return undefined;
    if (value.trim() === '' || value.length > 200) {
      throw new TraceQueryError(`${name} must be 1 to 200 characters`);
    }
    return value;
  };
  const since = params.get('since');
  return {
    sort: oneOf('sort', params.get('sort'), ['recent', 'slowest'] as const, 'recent'),
    root: oneOf('root', params.get('root'), ['server', 'any'] as const, 'any'),
    service: text('service'),
    route: text('route'),
    ...(since === null ? {} : { sinceMs: nowMs - parseDuration(since) }),
    limit,
  };
}
