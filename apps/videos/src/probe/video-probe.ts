import { Mp4Probe } from './mp4-probe';
import type { VideoProbe } from './probe-result';
import { WebmProbe } from './webm-probe';

/** The container types uploads may declare; each has a streaming probe. */
export const VIDEO_CONTENT_TYPES = ['video/mp4', 'video/webm'] as const;
export type VideoContentType = (typeof VIDEO_CONTENT_TYPES)[number];

export function isVideoContentType(value: string): value is VideoContentType {
  return (VIDEO_CONTENT_TYPES as readonly string[]).includes(value);
}

export function createVideoProbe(contentType: VideoContentType): VideoProbe {
  return contentType === 'video/mp4' ? new Mp4Probe() : new WebmProbe();
}
