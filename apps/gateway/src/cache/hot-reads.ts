import { isUuid, PROFILE_HEADER } from '@kinema/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../lru/bounded-lru';
import type { Authentication } from '../auth/authentication';
import type { CacheHeaderOptions } from '../http/cache-headers';
import { onHotRoute } from '../http/hot-path';
import { routeConfigOf } from '../http/route-config';
import {
  Later,
  settled,
  thenLater,
  type EarlyAnswerer,
  type NowOrLater,
} from '../http/early-answers';
import {
  replyWith,
  representationAnswer,
  sendRepresentation,
  type Representation,
  type RepresentationAnswer,
} from '../http/representation';
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

/** The aliases of one URL: its route template, and an alias per kind of viewer. */
interface UrlAliases {
  route: string;
  byKind: Map<string, Alias>;
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
  /** URL -> its route and, per kind of viewer, its alias. */
  private readonly aliases: LRUCache<string, UrlAliases>;

  constructor(
    private readonly cache: CatalogCache,
    private readonly budget: RequestBudget,
    private readonly viewers: HotReadViewers,
    maxAliases: number,
  ) {
    this.aliases = boundedLru(Math.max(1, maxAliases));
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
    const route = request.routeOptions.url;
    if (!this.cache.enabled || routeConfigOf(request).hotPath !== 'cached-read' || !route) return;
    let aliases = this.aliases.get(request.url);
    if (!aliases) this.aliases.set(request.url, (aliases = { route, byKind: new Map() }));
    aliases.byKind.set(kind, alias);
  }

  /**
   * Answers what it can in an onRequest hook, registered after the security and CORS hooks: the
   * requests early answers leave to Fastify (with an Origin, say) that hit the cache.
   */
  register(fastify: FastifyInstance): void {
    onHotRoute(fastify, 'cached-read', async (request, reply) => {
      if (request.method !== 'GET') return;
      const answer = await settled(this.answer(request.url, request.headers, request.ip));
      if (!answer) return;
      return reply.send(replyWith(reply, answer));
    });
  }

  /** The same answers on the socket, ahead of Fastify (http/early-answers.ts). */
  early(): EarlyAnswerer {
    return {
      // A look without touching the recency: answer() reads the alias next, with get.
      routeOf: (url) => this.aliases.peek(url)?.route,
      answer: ({ url, headers, ip }) => this.answer(url, headers, ip),
    };
  }

  /**
   * A cached read's answer for a GET of `url`, or undefined when the pipeline must answer: no
   * alias for this URL and kind of viewer, nothing cached, a caller the pipeline would refuse
   * or one over its budget (counted here as the guard counts it). Answered at once when
   * everything about the caller is known already (its token, session and profile checked before
   * and trusted, its budget in memory), as it is for a busy caller's repeats; otherwise the work
   * that waits is handed back, not started (Later), to run in the request's contexts.
   */
  private answer(
    url: string,
    headers: IncomingHttpHeaders,
    ip: string,
  ): NowOrLater<RepresentationAnswer | undefined> {
    // No alias for this URL: nothing to answer here, and nobody to authenticate twice.
    const aliases = this.aliases.get(url);
    if (!aliases) return undefined;
    return thenLater(
      this.viewerOf(headers),
      (known) => known && this.answerFor(aliases, known, headers, ip),
    );
  }

  private answerFor(
    aliases: UrlAliases,
    viewer: Viewer,
    headers: IncomingHttpHeaders,
    ip: string,
  ): NowOrLater<RepresentationAnswer | undefined> {
    const alias = aliases.byKind.get(viewerKind(viewer));
    const representation = alias?.peek(viewer);
    if (!alias || !representation) return undefined;
    const answerIf = (admitted: boolean) =>
      admitted ? representationAnswer(headers, representation, alias.options) : undefined;
    // Limited: the pipeline's guard answers the 429, as for any other request.
    const tracker = budgetTracker(ip, viewer.principal);
    const admitted = this.budget.admitsNow(tracker);
    if (admitted !== undefined) return answerIf(admitted);
    return new Later(async () => answerIf(await this.budget.admitsLater(tracker)));
  }

  /**
   * Who asks, checked as the auth guard and ViewingProfiles check it; undefined when the
   * pipeline must answer (a token or profile refused, or the users service failing), so every
   * refusal and outage keeps its one answer, there. Known at once for a caller checked before and
   * still trusted (its token verified, its session and profile confirmed); asked otherwise.
   */
  private viewerOf(headers: IncomingHttpHeaders): NowOrLater<Viewer | undefined> {
    const header = headers.authorization;
    const profileId = headers[PROFILE_HEADER];
    if (header === undefined) return profileId === undefined ? {} : undefined;
    const principal = this.viewers.authentication.sessionNow(header);
    if (principal && profileId === undefined) return { principal };
    const profile =
      principal && typeof profileId === 'string'
        ? this.viewers.profiles.profileNow(principal, profileId)
        : undefined;
    if (principal && profile) return { principal, profile };
    return new Later(() => this.checkedViewer(header, profileId));
  }

  /** viewerOf's answer for a caller not known at once: its token, session and profile asked. */
  private async checkedViewer(
    header: string,
    profileId: string | string[] | undefined,
  ): Promise<Viewer | undefined> {
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
