import {
  USERS_PLAYBACK_EVENTS,
  VIDEOS_VIDEO_EVENTS,
  type EventEnvelope,
  type UsersPlaybackEvents,
  type VideosVideoEvents,
} from '@kinema/contracts';
import { randomUUID } from 'node:crypto';

type VideoReady = VideosVideoEvents[typeof VIDEOS_VIDEO_EVENTS.ready];
type VideoFailed = VideosVideoEvents[typeof VIDEOS_VIDEO_EVENTS.failed];
type PlaybackProgressed = UsersPlaybackEvents[typeof USERS_PLAYBACK_EVENTS.progressed];

/** A CloudEvent as the platform's outbox relay would send it, with a fresh id. */
export function anEvent<Data>(
  type: string,
  subject: string,
  data: Data,
  source: string,
): EventEnvelope<string, Data> {
  return { id: randomUUID(), type, source, time: new Date().toISOString(), subject, data };
}

/** VideoReady for a movie's own video unless `episodeId` is given; keyed by title like videos does. */
export function aVideoReady(
  overrides: Partial<VideoReady> & { titleId: string },
): EventEnvelope<string, VideoReady> {
  const data: VideoReady = {
    episodeId: null,
    videoId: randomUUID(),
    durationSeconds: 5_400,
    sizeBytes: 1_048_576,
    sha256: 'ab'.repeat(32),
    ...overrides,
  };
  return anEvent(VIDEOS_VIDEO_EVENTS.ready, data.titleId, data, '/kinema/videos');
}

export function aVideoFailed(
  overrides: Partial<VideoFailed> & { titleId: string; videoId: string },
): EventEnvelope<string, VideoFailed> {
  const data: VideoFailed = { episodeId: null, reason: 'probe failed', ...overrides };
  return anEvent(VIDEOS_VIDEO_EVENTS.failed, data.titleId, data, '/kinema/videos');
}

/** PlaybackProgressed keyed by profile like users does; `occurredAt` defaults to now. */
export function aPlaybackProgressed(
  overrides: Partial<PlaybackProgressed> & { titleId: string; profileId: string },
): EventEnvelope<string, PlaybackProgressed> {
  const data: PlaybackProgressed = {
    accountId: randomUUID(),
    episodeId: null,
    positionSeconds: 600,
    durationSeconds: 5_400,
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
  return anEvent(USERS_PLAYBACK_EVENTS.progressed, data.profileId, data, '/kinema/users');
}
