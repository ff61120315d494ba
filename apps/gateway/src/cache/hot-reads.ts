import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { CacheHeaderOptions } from '../http/cache-headers';
import { sendRepresentation } from '../http/representation';
import { PROFILE_HEADER } from '../me/viewing-profiles.service';
import type { RequestBudget } from '../rate-limit/request-budget';
import type { CatalogCache, ScopedRepresentation } from './catalog-cache';

/** How an endpoint sent a representation: its cache key and the headers it chose. */
interface Alias {
  key: string;
  options: Omit<CacheHeaderOptions, 'etag'>;
}

/**
 * Cached catalog reads answered before Nest's pipeline. A read that went through the whole
 * pipeline once (authentication, the route's validation, the controller) leaves an alias: its
 * exact URL leads to the cache key the controller used. The same URL again, from a caller the
 * alias was made for, is answered from the cached representation in a Fastify hook: the rate
 * limit is counted as the guard counts it, then the stored bytes (or 304) go out. Anything else
 * (a miss, a caller with a token or a profile, a limited caller) continues into the pipeline,
 * which answers as it always has.
 *
 * Only anonymous callers are served here: for them the pipeline's authentication and profile
 * check are "nothing to check", and their visibility (no ceiling, no drafts) is the same for all.
 * A signed-in caller's token and profile are checked by the pipeline on every request.
 */
export class HotReads {
  private readonly aliases: LRUCache<string, Alias>;

  constructor(
    private readonly cache: CatalogCache,
    private readonly budget: RequestBudget,
    maxAliases: number,
  ) {
    this.aliases = new LRUCache({ max: Math.max(1, maxAliases) });
  }

  /**
   * What an endpoint does with a cacheable read that reached it: the cached representation (or
   * loaded and cached), sent with these headers; an anonymous request also leaves its alias.
   * Returns the payload, undefined for a 304.
   */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    load: () => Promise<ScopedRepresentation>,
    options: Omit<CacheHeaderOptions, 'etag'>,
  ): Promise<Buffer | undefined> {
    const representation = await this.cache.representation(key, load);
    if (this.cache.enabled && isAnonymous(request)) {
      this.aliases.set(aliasOf(request), { key, options });
    }
    return sendRepresentation(request, reply, representation, options);
  }

  /** Answers what it can in an onRequest hook, registered after the security and CORS hooks. */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || !isAnonymous(request)) return;
      const alias = this.aliases.get(aliasOf(request));
      if (!alias) return;
      const representation = this.cache.peek(alias.key);
      if (!representation) return;
      // Limited: the pipeline's guard answers the 429, as for any other request.
      if (!(await this.budget.admits(`ip:${request.ip}`))) return;
      const payload = sendRepresentation(request, reply, representation, alias.options);
      return reply.send(payload);
    });
  }
}

function isAnonymous(request: FastifyRequest): boolean {
  return (
    request.headers.authorization === undefined && request.headers[PROFILE_HEADER] === undefined
  );
}

function aliasOf(request: FastifyRequest): string {
  return request.url;
}
