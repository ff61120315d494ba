import { Inject, Injectable } from '@nestjs/common';
import { MaturityRating, type Title, type Video, type Visibility } from '@kinema/contracts';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../auth/auth-problems';
import { principalOf } from '../auth/principal';
import { SessionCheck } from '../auth/session-check';
import { CatalogClient } from '../catalog/catalog.client';
import { PROFILE_HEADER, ViewingProfiles } from '../me/viewing-profiles.service';
import { verifyGrant } from './playback-grant';
import { grantRefused, notFound, profileRequired } from './video-problems';
import { VideosClient } from './videos.client';

export const PLAYBACK_GRANT_OPTIONS = Symbol('PLAYBACK_GRANT_OPTIONS');

export interface PlaybackGrantOptions {
  secret: string;
  ttlSeconds: number;
}

/** What may be played: the visible title, the profile watching and its current video. */
export interface Playable {
  title: Title;
  profileId: string;
  maxMaturity: MaturityRating;
  video: Video;
}

export interface PlaybackTarget {
  titleId: string;
  /** Empty for movies. */
  episodeId: string;
}

const GRANT_REASONS = {
  malformed: 'malformed',
  'bad-signature': 'not valid',
  expired: 'expired',
  'wrong-title': 'for another title',
  'session-ended': 'of a session that has ended (signed out, or the account deleted)',
} as const;

/**
 * Decides whether a request may play a title: as a signed-in profile (bearer + X-Profile-Id),
 * or with a playback grant in the query (a <video src> cannot send headers). Either way the
 * catalog decides visibility with the profile's maturity ceiling, so a title the profile cannot
 * browse answers 404 here too.
 */
@Injectable()
export class PlaybackAccess {
  constructor(
    private readonly profiles: ViewingProfiles,
    private readonly catalog: CatalogClient,
    private readonly videos: VideosClient,
    private readonly sessions: SessionCheck,
    @Inject(PLAYBACK_GRANT_OPTIONS) private readonly grants: PlaybackGrantOptions,
  ) {}

  /** For a signed-in caller; X-Profile-Id is required (playback is per profile). */
  async asProfile(request: FastifyRequest, target: PlaybackTarget): Promise<Playable> {
    if (!principalOf(request))
      throw unauthorized('Playback needs a bearer token or a playback grant.');
    if (request.headers[PROFILE_HEADER] === undefined) throw profileRequired();
    const viewer = await this.profiles.viewerOf(request);
    if (!viewer.profile) throw profileRequired();
    return this.playable(target, viewer.profile.id, this.profiles.visibility(viewer));
  }

  /** For a stream request: the grant when the query has one, the bearer token otherwise. */
  async forStream(
    request: FastifyRequest,
    target: PlaybackTarget,
    grant: string | undefined,
  ): Promise<Playable> {
    if (grant === undefined) return this.asProfile(request, target);
    const check = verifyGrant(this.grants.secret, grant, target);
    if (!check.ok) throw grantRefused(GRANT_REASONS[check.reason]);
    // A map lookup, no call: every replica learns of ended sessions from the users service's
    // SessionsEnded events (and from the tokens it sees refused).
    if (this.sessions.hasEnded(check.grant.sessionId))
      throw grantRefused(GRANT_REASONS['session-ended']);
    return this.playable(target, check.grant.profileId, {
      maxMaturity: check.grant.maxMaturity,
      includeDrafts: false,
    });
  }

  private async playable(
    target: PlaybackTarget,
    profileId: string,
    visibility: Visibility,
  ): Promise<Playable> {
    // NOT_FOUND (404) when the title is above the ceiling or unpublished, as in the catalog.
    const { title } = await this.catalog.getTitle({ id: target.titleId, visibility });
    if (!title) throw notFound('No title has this id.', 'TITLE_NOT_FOUND');
    if (target.episodeId) {
      const episodes = title.seasons.flatMap((season) => season.episodes.map((e) => e.id));
      if (!episodes.includes(target.episodeId)) {
        throw notFound('This title has no episode with this id.', 'EPISODE_NOT_FOUND');
      }
    }
    const { video } = await this.videos.getPlayableVideo(target.titleId, target.episodeId);
    if (!video) throw notFound('This title has no video to play yet.', 'VIDEO_NOT_FOUND');
    return { title, profileId, maxMaturity: visibility.maxMaturity, video };
  }
}
