import { Inject, Injectable } from '@nestjs/common';
import { MaturityRating, PROFILE_HEADER, type Visibility } from '@kinema/contracts';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../http/auth-problems';
import { principalOf } from '../viewer/principal';
import { SessionCheck } from '../auth/session-check';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { PlayableVideos, type PlayableVideo, type PlaybackTarget } from './playable-videos';
import { verifyGrant } from './playback-grant';
import { grantRefused, profileRequired } from './video-problems';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface PlaybackGrantOptions {
  secret: string;
  ttlSeconds: number;
}

/** The key grants are signed with and how long one lives (PLAYBACK_GRANT_*). */
export function playbackGrantOptions(config: GatewayConfig): PlaybackGrantOptions {
  return { secret: config.PLAYBACK_GRANT_SECRET, ttlSeconds: config.PLAYBACK_GRANT_TTL_SECONDS };
}

/** What may be played: the profile watching, its ceiling, and the video with its read URL. */
export interface Playable extends PlayableVideo {
  profileId: string;
  maxMaturity: MaturityRating;
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
 * browse answers 404 here too (PlayableVideos keeps that answer for the title's next requests).
 */
@Injectable()
export class PlaybackAccess {
  constructor(
    private readonly profiles: ViewingProfiles,
    private readonly playables: PlayableVideos,
    private readonly sessions: SessionCheck,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.grants = playbackGrantOptions(config);
  }

  private readonly grants: PlaybackGrantOptions;

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

  /**
   * What a stream request with a grant plays when everything is known here already: a valid grant
   * for this target, of a session not known to have ended, and the title resolved at the grant's
   * ceiling before. Undefined otherwise: the request then takes the whole pipeline (forStream),
   * which resolves the title or answers why not.
   */
  peekGrant(target: PlaybackTarget, grant: string): Playable | undefined {
    const check = verifyGrant(this.grants.secret, grant, target);
    if (!check.ok || this.sessions.hasEnded(check.grant.sessionId)) return undefined;
    const { maxMaturity } = check.grant;
    const resolved = this.playables.peek(target, { maxMaturity, includeDrafts: false });
    return resolved && { ...resolved, profileId: check.grant.profileId, maxMaturity };
  }

  private async playable(
    target: PlaybackTarget,
    profileId: string,
    visibility: Visibility,
  ): Promise<Playable> {
    const resolved = await this.playables.resolve(target, visibility);
    return { ...resolved, profileId, maxMaturity: visibility.maxMaturity };
  }
}
