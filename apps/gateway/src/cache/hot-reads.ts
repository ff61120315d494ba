import { isUuid, PROFILE_HEADER } from '@kinema/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Authentication } from '../auth/authentication';
import { setPrincipal } from '../viewer/principal';
import type { CacheHeaderOptions } from '../http/cache-headers';
import { onHotRoute } from '../http/hot-path';
import { routeConfigOf } from '../http/route-config';
import { sendRepresentation, type Representation } from '../http/representation';
import { namesNoCaller, type Viewer } from '../viewer/viewer';
import type { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { budgetTracker, type RequestBudget } from '../rate-limit/request-budget';
import type { CatalogCache, ScopedRepresentation } from './catalog-cache';

/** How an endpoint sent a representation: where the cached one is found, and the headers it chose. */
interface Alias {
  /** The cached representation for this viewer, if any (one key's, or composed per profile). */
  peek: (viewer: Viewer) => Representation | undefined;
  options: Omit<CacheHeaderOptions, 'etag'>;
}

/** What the hot path needs to know who is asking, exactly as the pipeline would. */
export interface HotReadViewers {
  authentication: Authentication;
  profiles: ViewingProfiles;
}

/**
 * Cached catalog reads answered before Nest's pipeline, on the routes marked
 * @HotRoute('cached-read'). A read that went through the whole
 * pipeline once (authentication, the route's validation, the controller) leaves an alias: its
 * exact URL, for a kind of viewer, leads to the cache key the controller used. The same URL again
 * from a viewer of that kind is answered from the cached representation in a Fastify hook: the
 * caller is authenticated and its profile resolved as the pipeline does, the rate limit is
 * counted as the guard counts it, then the stored bytes (or 304) go out. Anything else (a miss,
 * a token or profile that does not pass, a limited caller, a failing users service) continues
 * into the pipeline, which answers as it always has.
 *
 * The kind of viewer is what the controllers' cache keys and headers depend on besides the URL:
 * anonymous, or the account's current role and the profile's ceiling (none without a profile).
 */
export class HotReads {
  /** URL -> kind of viewer -> alias. */
  private readonly aliases: LRUCache<string, Map<string, Alias>>;

  constructor(
    private readonly cache: CatalogCache,
    private readonly budget: RequestBudget,
    private readonly viewers: HotReadViewers,
    maxAliases: number,
  ) {
    this.aliases = new LRUCache({ max: Math.max(1, maxAliases) });
  }

  /**
   * What an endpoint does with a cacheable read that reached it: the cached representation (or
   * loaded and cached), sent with these headers; the request also leaves its alias. `viewer` is
   * who the endpoint served (as resolved by ViewingProfiles); a public route without one leaves
   * an alias for anonymous callers only, and a route not marked hot none (it is cached, but
   * every request goes through the pipeline). Returns the payload, undefined for a 304.
   */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    load: () => Promise<ScopedRepresentation>,
    options: Omit<CacheHeaderOptions, 'etag'>,
    viewer?: Viewer,
  ): Promise<Buffer | undefined> {
    const representation = await this.cache.representation(key, load);
    const kind = viewer ? viewerKind(viewer) : namesNoCaller(request) ? ANONYMOUS : undefined;
    if (kind !== undefined)
      this.remember(request, kind, { peek: () => this.cache.peek(key), options });
    return sendRepresentation(request, reply, representation, options);
  }

  /**
   * As send, for a read composed per profile (the signed-in home page): `peek` finds what is
   * cached for a viewer, `load` builds it otherwise. The alias leads the next read of this URL
   * by a viewer of the same kind to `peek` for that viewer (its own profile's pieces).
   */
  async sendComposed(
    request: FastifyRequest,
    reply: FastifyReply,
    viewer: Viewer,
    peek: (viewer: Viewer) => Representation | undefined,
    load: () => Promise<Representation>,
    options: Omit<CacheHeaderOptions, 'etag'>,
  ): Promise<Buffer | undefined> {
    const representation = peek(viewer) ?? (await load());
    this.remember(request, viewerKind(viewer), { peek, options });
    return sendRepresentation(request, reply, representation, options);
  }

  /** Leaves an alias, on routes whose hot path answers cached reads (@HotRoute('cached-read')). */
  private remember(request: FastifyRequest, kind: string, alias: Alias): void {
    if (!this.cache.enabled || routeConfigOf(request).hotPath !== 'cached-read') return;
    let byKind = this.aliases.get(request.url);
    if (!byKind) this.aliases.set(request.url, (byKind = new Map()));
    byKind.set(kind, alias);
  }

  /** Answers what it can in an onRequest hook, registered after the security and CORS hooks. */
  register(fastify: FastifyInstance): void {
    onHotRoute(fastify, 'cached-read', async (request, reply) => {
      if (request.method !== 'GET') return;
      // No alias for this URL: nothing to answer here, and nobody to authenticate twice.
      const byKind = this.aliases.get(request.url);
      if (!byKind) return;
      const viewer = await this.viewerOf(request);
      if (!viewer) return;
      const alias = byKind.get(viewerKind(viewer));
      if (!alias) return;
      const representation = alias.peek(viewer);
      if (!representation) return;
      // Limited: the pipeline's guard answers the 429, as for any other request.
      if (!(await this.budget.admits(budgetTracker(request, viewer.principal)))) return;
      if (viewer.principal) setPrincipal(request, viewer.principal);
      const payload = sendRepresentation(request, reply, representation, alias.options);
      return reply.send(payload);
    });
  }

  /**
   * Who asks, checked as the auth guard and ViewingProfiles check it; undefined when the
   * pipeline must answer (a token or profile refused, or the users service failing), so every
   * refusal and outage keeps its one answer, there.
   */
  private async viewerOf(request: FastifyRequest): Promise<Viewer | undefined> {
    const header = request.headers.authorization;
    const profileId = request.headers[PROFILE_HEADER];
    if (header === undefined) return profileId === undefined ? {} : undefined;
    try {
      const verdict = await this.viewers.authentication.ofHeader(header);
      if ('refused' in verdict) return undefined;
      const principal = verdict.session;
      if (profileId === undefined) return { principal };
      if (!isUuid(profileId)) return undefined;
      return { principal, profile: await this.viewers.profiles.profile(principal, profileId) };
    } catch {
      return undefined;
    }
  }
}

const ANONYMOUS = 'anonymous';

/** What a controller's cache key and headers depend on besides the URL. */
function viewerKind({ principal, profile }: Viewer): string {
  if (!principal) return ANONYMOUS;
  return `${principal.role} ${profile ? profile.maxMaturity : 'none'}`;
}
