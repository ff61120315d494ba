import type { EventEnvelope } from '@kinema/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TitleEventsPublisher } from '../titles/title-events.publisher';
import type { TitleRow } from '../titles/title.mapper';
import { TitlesReadRepository } from '../titles/titles-read.repository';
import { TitlePlayabilityRepository } from './title-playability.repository';
import { parseVideoEvent } from './video-event.payload';

/**
 * Applies `videos.videos.v1` to titles and episodes: VideoReady makes the target's video the
 * current one (playable, with its duration); VideoFailed clears it only if it is the current
 * one. A change gives the title a new version and a TitleUpdated, in the consumer's transaction.
 */
@Injectable()
export class VideoEventsHandler {
  private readonly logger = new Logger(VideoEventsHandler.name);

  constructor(
    private readonly playability: TitlePlayabilityRepository,
    private readonly reads: TitlesReadRepository,
    private readonly events: TitleEventsPublisher,
  ) {}

  async handle(event: EventEnvelope, manager: EntityManager): Promise<void> {
    const video = parseVideoEvent(event);
    if (!video) return;
    // Videos are uploaded for existing titles; one deleted since has nothing left to update.
    if (!(await this.playability.lockTitle(manager, video.titleId))) {
      this.logger.warn(`${event.type} ${event.id}: title ${video.titleId} does not exist; ignored`);
      return;
    }
    const before = await this.readTitle(manager, video.titleId);
    const changed =
      video.kind === 'ready'
        ? await this.playability.setCurrentVideo(
            manager,
            video,
            video.videoId,
            video.durationSeconds,
          )
        : await this.playability.clearVideoIfCurrent(manager, video, video.videoId);
    // Unchanged: a repeat, a stale failure, or an episode that is not this title's.
    if (!changed) return;
    await this.playability.touchTitle(manager, video.titleId);
    await this.events.updated(manager, before, await this.readTitle(manager, video.titleId));
  }

  private async readTitle(manager: EntityManager, titleId: string): Promise<TitleRow> {
    const row = await this.reads.get(titleId, { includeDrafts: true }, manager);
    if (!row) throw new Error(`title ${titleId} vanished while locked`);
    return row;
  }
}
