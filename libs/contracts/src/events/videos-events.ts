import { TOPICS } from './topics';

/**
 * Payloads on `videos.videos.v1`, keyed by title id so a title's uploads stay in order for the
 * catalog (which marks the title playable on VideoReady).
 */
export interface VideosVideoEvents {
  'kinema.videos.v1.VideoReady': {
    titleId: string;
    /** Null for movies. */
    episodeId: string | null;
    videoId: string;
    durationSeconds: number;
    sizeBytes: number;
    /** Lower-case hex SHA-256 of the stored file. */
    sha256: string;
  };
  'kinema.videos.v1.VideoFailed': {
    titleId: string;
    /** Null for movies. */
    episodeId: string | null;
    videoId: string;
    reason: string;
  };
}

export type VideosVideoEventType = keyof VideosVideoEvents;

export const VIDEOS_VIDEO_EVENTS = {
  topic: TOPICS.videosVideos,
  ready: 'kinema.videos.v1.VideoReady',
  failed: 'kinema.videos.v1.VideoFailed',
} as const satisfies Record<string, string>;
