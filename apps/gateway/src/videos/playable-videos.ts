import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  CATALOG_TITLE_EVENTS,
  VIDEOS_VIDEO_EVENTS,
  type CatalogTitleEvents,
  type EventEnvelope,
  type Video,
  type Visibility,
  type VideosVideoEvents,
} from '@kinema/contracts';
import { CatalogClient } from '../catalog/catalog.client';
import { GatewayEventFeed } from '../events/event-feed';
import { notFound } from './video-problems';
import { VideosClient } from './videos.client';

/** A title (or episode) to play: the URL's ids. */
export interface PlaybackTarget {
  titleId: string;
  /** Empty for movies. */
  episodeId: string;
}

/** The video a target plays at a maturity ceiling, and a URL to read its bytes from the store. */
export interface PlayableVideo {
  video: Video;
  /** Presigned GET of the object on the store's internal endpoint (Range allowed). */
  readUrl: string;
}

/** Lifetime asked of the videos service for a read URL. */
export const READ_URL_TTL_SECONDS = 600;
/** An entry is used until this long before its URL expires, so no read starts on a dying URL. */
const READ_URL_MARGIN_MS = 60_000;
/** Entries kept (title x episode x ceiling); the oldest goes first beyond this. */
const MAX_ENTRIES = 10_000;

interface Entry {
  titleId: string;
  value: Promise<PlayableVideo>;
  /** The value once resolved, for callers that cannot wait (the hot playback path). */
  settled?: PlayableVideo;
  /** Epoch ms after which the entry is resolved again. */
  freshUntil: number;
}

/**
 * Resolves what a playback request plays: the catalog's visibility of the title at the viewer's
 * ceiling (and that the episode is the title's), then the title's current video with a read URL,
 * in one GetPlayableVideo call. A player sends many Range requests for one film, so the answer is
 * kept per title, episode and ceiling: a Range request then costs no call at all. The entry goes
 * when the catalog changes the title (TitleUpdated/TitlePublished/TitleDeleted: it may have been
 * unpublished or re-rated) or a new video becomes ready (VideoReady), and in any case before its
 * URL expires (READ_URL_TTL_SECONDS, less a margin), which bounds staleness when events stop.
 * Concurrent misses share one resolution. A Map in insertion order is the whole cache (oldest
 * evicted first): entries are tiny and short-lived, so recency tracking would buy nothing.
 */
@Injectable()
export class PlayableVideos implements OnModuleInit {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly catalog: CatalogClient,
    private readonly videos: VideosClient,
    private readonly feed: GatewayEventFeed,
  ) {}

  onModuleInit(): void {
    this.feed.listen((event) => this.onEvent(event));
  }

  /** Drops what an event may have changed: everything of the title it names. */
  onEvent(event: EventEnvelope): void {
    const titleId = titleOf(event);
    if (titleId) this.forget(titleId);
  }

  resolve(
    target: PlaybackTarget,
    visibility: Visibility,
    now = Date.now(),
  ): Promise<PlayableVideo> {
    const key = keyOf(target, visibility);
    const cached = this.entries.get(key);
    if (cached && cached.freshUntil > now) return cached.value;
    if (cached) this.entries.delete(key);
    const entry: Entry = {
      titleId: target.titleId,
      value: this.lookUp(target, visibility),
      freshUntil: now + READ_URL_TTL_SECONDS * 1000 - READ_URL_MARGIN_MS,
    };
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    // A failure (not found, a fault) is not kept: the next request asks again.
    entry.value.then(
      (value) => void (entry.settled = value),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** What `resolve` would answer at once from a fresh, resolved entry; undefined otherwise. */
  peek(
    target: PlaybackTarget,
    visibility: Visibility,
    now = Date.now(),
  ): PlayableVideo | undefined {
    const cached = this.entries.get(keyOf(target, visibility));
    return cached && cached.freshUntil > now ? cached.settled : undefined;
  }

  /** Drops what is known of a title (all its episodes and ceilings). */
  forget(titleId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.titleId === titleId) this.entries.delete(key);
    }
  }

  private async lookUp(target: PlaybackTarget, visibility: Visibility): Promise<PlayableVideo> {
    // NOT_FOUND (404) when the title is above the ceiling or unpublished, as in the catalog.
    const { title } = await this.catalog.getTitle({ id: target.titleId, visibility });
    if (!title) throw notFound('No title has this id.', 'TITLE_NOT_FOUND');
    if (
      target.episodeId &&
      !title.seasons.some((season) => season.episodes.some((e) => e.id === target.episodeId))
    ) {
      throw notFound('This title has no episode with this id.', 'EPISODE_NOT_FOUND');
    }
    const { video, readUrl } = await this.videos.getPlayableVideo(
      target.titleId,
      target.episodeId,
      READ_URL_TTL_SECONDS,
    );
    if (!video) throw notFound('This title has no video to play yet.', 'VIDEO_NOT_FOUND');
    if (!readUrl) throw new Error('videos service answered GetPlayableVideo without a read URL');
    return { video, readUrl };
  }
}

function keyOf(target: PlaybackTarget, visibility: Visibility): string {
  return `${target.titleId}/${target.episodeId}/${visibility.maxMaturity}/${visibility.includeDrafts}`;
}

/** The title an event changes what plays for, if any. */
function titleOf(event: EventEnvelope): string | undefined {
  switch (event.type) {
    case CATALOG_TITLE_EVENTS.updated:
    case CATALOG_TITLE_EVENTS.published:
      return (event.data as CatalogTitleEvents[typeof CATALOG_TITLE_EVENTS.updated]).title?.id;
    case CATALOG_TITLE_EVENTS.deleted:
      return (event.data as CatalogTitleEvents[typeof CATALOG_TITLE_EVENTS.deleted]).titleId;
    case VIDEOS_VIDEO_EVENTS.ready:
      return (event.data as VideosVideoEvents[typeof VIDEOS_VIDEO_EVENTS.ready]).titleId;
    default:
      return undefined;
  }
}
