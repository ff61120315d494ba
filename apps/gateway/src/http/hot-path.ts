import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeConfigOf, type HotPath } from './route-config';

/** Which path answered a request: a hot path's hook, or Nest's pipeline (and everything else). */
export type AnsweringPath = 'hot' | 'pipeline';

const onHotPath = new WeakSet<FastifyRequest>();

/**
 * Registers a hot path: `answer` runs in an onRequest hook for the requests of routes marked
 * @HotRoute(path) only, and either answers (sends, or takes over, the reply) or leaves the
 * request to the pipeline. A request counts as answered on the hot path from the moment the hook
 * takes it until the hook lets it go unanswered, so a reply that finishes (or a client that
 * leaves) while the hook runs is logged and measured as hot.
 */
export function onHotRoute(
  fastify: FastifyInstance,
  path: HotPath,
  answer: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (routeConfigOf(request).hotPath !== path) return;
    onHotPath.add(request);
    await answer(request, reply);
    if (reply.sent) return reply;
    onHotPath.delete(request);
    return;
  });
}

/** Which path answered this request (for its log line and duration sample). */
export function answeringPath(request: FastifyRequest): AnsweringPath {
  return onHotPath.has(request) ? 'hot' : 'pipeline';
}
