import type { FastifyInstance } from 'fastify';

/** JSON bodies nest at most this deep: no request of the API needs more than a handful. */
export const MAX_JSON_DEPTH = 32;

/** How deep a parsed JSON value nests, measured without recursion (so any depth is safe to measure). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function tooDeep(): Error & { statusCode: number } {
  return Object.assign(new Error(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`), {
    statusCode: 400,
  });
}

/**
 * JSON (and JSON merge patch) bodies, parsed by Fastify's own safe parser within its size limit,
 * then refused when nested beyond MAX_JSON_DEPTH: validation walks a body recursively, and a
 * 10,000-deep array would otherwise overflow the stack before any rule could refuse it. An empty
 * body is no body, as it is without a Content-Type: many clients label every request JSON, and
 * Fastify's parser answered theirs with a 400 of its own ("Body cannot be empty"), a DELETE
 * included, where the same request unlabelled was answered (204, or the body's fields required).
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    (request, body, done) => {
      // Nothing reads the body of a request no route takes: it is answered 404 or 405, as any
      // other body is (bodyNotTaken), not 400 for JSON it need not have parsed.
      if (body.length === 0 || request.is404) return done(null, undefined);
      parse(request, body.toString(), (error: Error | null, value?: unknown) => {
        if (error) done(error, undefined);
        else if (jsonDepth(value) > MAX_JSON_DEPTH) done(tooDeep(), undefined);
        else done(null, value);
      });
    },
  );
}
