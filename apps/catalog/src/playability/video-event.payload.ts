import { VIDEOS_VIDEO_EVENTS, type EventEnvelope } from '@kinema/contracts';
import { z } from 'zod';
import { parseEventData, uuidField } from '../events/event-data';

/** What a video event asks of the catalog: the title or one of its episodes. */
export interface VideoTarget {
  titleId: string;
  /** Null when the video is the title's own (a movie's). */
  episodeId: string | null;
}

export type VideoEvent =
  | (VideoTarget & { kind: 'ready'; videoId: string; durationSeconds: number })
  | (VideoTarget & { kind: 'failed'; videoId: string });

// Longer than any real video; keeps the rounded value inside a PostgreSQL integer.
const MAX_DURATION_SECONDS = 1_000_000_000;

// Only the fields the catalog uses are required: a tolerant reader keeps working when the
// videos service adds fields.
const target = {
  titleId: uuidField,
  episodeId: uuidField.nullable().default(null),
  videoId: z.string().trim().min(1).max(200),
};

const readySchema = z.object({
  ...target,
  durationSeconds: z.number().min(0).max(MAX_DURATION_SECONDS),
});

const failedSchema = z.object(target);

/**
 * The catalog's reading of a `videos.videos.v1` event: undefined for a type it does not handle
 * (ignored, not dead-lettered); throws MalformedEventError for a known type with bad data.
 */
export function parseVideoEvent(event: EventEnvelope): VideoEvent | undefined {
  switch (event.type) {
    case VIDEOS_VIDEO_EVENTS.ready: {
      const data = parseEventData(event, readySchema);
      // Whole seconds are all the catalog shows; a clip under half a second still has a video.
      return { kind: 'ready', ...data, durationSeconds: Math.round(data.durationSeconds) };
    }
    case VIDEOS_VIDEO_EVENTS.failed:
      return { kind: 'failed', ...parseEventData(event, failedSchema) };
    default:
      return undefined;
  }
}
