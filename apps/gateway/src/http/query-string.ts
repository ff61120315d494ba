import { parse, type ParsedUrlQuery } from 'node:querystring';

/** What is wrong with a percent-encoding the gateway refuses, in a URL's path or its query. */
export const UNDECODABLE = 'a percent-encoded sequence that does not decode to UTF-8';

const UNDECODABLE_NAMES = Symbol('undecodable query parameters');

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fastify's query-string parser: its router's own (node:querystring), which also notes the
 * parameters whose percent-encoding is broken, for InputShapePipe to refuse. node:querystring
 * takes `%zz` as typed and turns `%FF` into U+FFFD, so `q=%FF` searched for a character the
 * caller never sent, where a broken escape in the path was a 400 (FST_ERR_BAD_URL). The names are
 * kept under a symbol: nothing that walks the query's entries sees them. A query that decodes as
 * a whole decodes part by part (its separators are literal ASCII, never inside an escape), so a
 * valid one costs one `decodeURIComponent` more, and one without `%` nothing.
 */
export function parseQueryString(query: string): ParsedUrlQuery {
  if (query.length === 0) return {};
  const parsed = parse(query);
  if (query.includes('%') && !decodes(query)) {
    const names = new Set<string>();
    for (const pair of query.split('&')) {
      if (decodes(pair)) continue;
      const [name] = Object.keys(parse(pair));
      if (name !== undefined) names.add(name);
    }
    Object.defineProperty(parsed, UNDECODABLE_NAMES, { value: [...names] });
  }
  return parsed;
}

/** The parameters of a parsed query (parseQueryString's) whose percent-encoding is broken. */
export function undecodableParameters(query: unknown): readonly string[] {
  if (query === null || typeof query !== 'object') return [];
  return (query as { [UNDECODABLE_NAMES]?: readonly string[] })[UNDECODABLE_NAMES] ?? [];
}
