import { VIDEOS_VIDEO_EVENTS, type VideosVideoEvents } from '@kinema/contracts';
import { OutboxPublisher } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { VideoRow } from './video.model';

/** Appends videos.videos.v1 events to the outbox, inside the transaction of the change. */
@Injectable()
export class VideoEventsPublisher {
  constructor(private readonly outbox: OutboxPublisher) {}

  async ready(manager: EntityManager, video: VideoRow): Promise<void> {
    await this.emit(manager, video.titleId, VIDEOS_VIDEO_EVENTS.ready, {
      titleId: video.titleId,
      episodeId: video.episodeId,
      videoId: video.id,
      durationSeconds: video.durationSeconds ?? 0,
      sizeBytes: video.sizeBytes ?? 0,
      sha256: video.sha256 ?? '',
    });
  }

  async failed(manager: EntityManager, video: VideoRow, reason: string): Promise<void> {
    await this.emit(manager, video.titleId, VIDEOS_VIDEO_EVENTS.failed, {
      titleId: video.titleId,
      episodeId: video.episodeId,
      videoId: video.id,
      reason,
    });
  }

  private async emit<Type extends keyof VideosVideoEvents>(
    manager: EntityManager,
    titleId: string,
    type: Type,
    data: VideosVideoEvents[Type],
  ): Promise<void> {
    await this.outbox.publish(manager, {
      topic: VIDEOS_VIDEO_EVENTS.topic,
      type,
      subject: titleId,
      data,
    });
  }
}
