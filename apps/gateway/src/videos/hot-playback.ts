import { isUuid } from '@kinema/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { onHotRoute } from '../http/hot-path';
import { ProblemFilter } from '../http/problem.filter';
import { namesNoCaller } from '../viewer/viewer';
import { budgetTracker, type RequestBudget } from '../rate-limit/request-budget';
import type { PlaybackAccess } from './playback-access.service';
import type { PlayableVideos, PlaybackTarget } from './playable-videos';
import type { VideoDelivery } from './video-delivery.service';
import { StaleReadUrl } from './video-problems';

/**
 * Range requests of a player with a grant, answered before Nest's pipeline on the routes marked
 * @HotRoute('playback'). A `<video>` sends many
 * for one film, each a few hundred kilobytes; the pipeline's guards, pipes and validation cost as
 * much CPU as moving the bytes. The first request of a title at a ceiling goes through the whole
 * pipeline, which resolves it; the next ones, when the grant verifies for the URL's title, its
 * session is not known to have ended and the resolved title is at hand (PlaybackAccess.peekGrant),
 * are counted against the caller's request budget as the guard counts them and served here by the
 * same VideoDelivery. Anything else (a bearer token or a profile header, another query, a bad id,
 * a refused grant, a title not resolved yet, a caller over its budget) continues into the
 * pipeline, which answers as it always has. A store that no longer has the object sends the
 * request there too, with the title forgotten, so the pipeline resolves it again.
 */
export class HotPlayback {
  private readonly problems = new ProblemFilter();

  constructor(
    private readonly access: PlaybackAccess,
    private readonly delivery: VideoDelivery,
    private readonly playables: PlayableVideos,
    private readonly budget: RequestBudget,
  ) {}

  /** Registered after the security, CORS and request-id hooks, whose headers the answer keeps. */
  register(fastify: FastifyInstance): void {
    onHotRoute(fastify, 'playback', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const grant = soleGrant(request);
      const target = targetOf(request);
      if (grant === undefined || target === undefined) return;
      const playable = this.access.peekGrant(target, grant);
      if (!playable) return;
      // Limited: the pipeline's guard answers the 429, as for any other request. A grant's
      // caller is anonymous to the guard (the grant is checked by the route), so counted by IP.
      if (!(await this.budget.admits(budgetTracker(request.ip, undefined)))) return;
      try {
        await this.delivery.serve(request, reply, playable);
      } catch (error) {
        if (!(error instanceof StaleReadUrl)) return this.problems.answer(request, reply, error);
        this.playables.forget(target.titleId);
        return;
      }
      // The client went away before the store answered, or during the body: nothing more to do
      // (the request is logged as closed by the client).
      if (!reply.sent) reply.hijack();
      return reply;
    });
  }
}

/** The grant when it is the query's only parameter and no header claims another identity. */
function soleGrant(request: FastifyRequest): string | undefined {
  if (!namesNoCaller(request)) return undefined;
  const query = request.query as Record<string, unknown>;
  let grant: unknown;
  for (const key in query) {
    if (key !== 'grant') return undefined;
    grant = query[key];
  }
  return typeof grant === 'string' ? grant : undefined;
}

function targetOf(request: FastifyRequest): PlaybackTarget | undefined {
  const { id, episodeId } = request.params as { id?: string; episodeId?: string };
  if (!isUuid(id) || (episodeId !== undefined && !isUuid(episodeId))) return undefined;
  return { titleId: id, episodeId: episodeId ?? '' };
}
