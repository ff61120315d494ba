import { isUuid } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VideoEventsPublisher } from './video-events.publisher';
import type { VideoRow } from './video.model';
import { VideosRepository, type NewUpload, type StoredFile } from './videos.repository';

/** What completing an upload changed: the row, and the objects of the videos it replaced. */
export interface ReadyOutcome {
  video: VideoRow;
  replacedObjectKeys: string[];
}

/**
 * The videos and their lifecycle. Lookups check ids before they reach a query or a key; state
 * changes that others must hear of (ready, failed) commit in one transaction with their outbox
 * event. No transaction is held while bytes stream.
 */
@Injectable()
export class VideosService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly videos: VideosRepository,
    private readonly events: VideoEventsPublisher,
  ) {}

  async getVideo(id: string, field = 'id'): Promise<VideoRow> {
    const videoId = requireUuid(id, field);
    const video = await this.videos.findById(this.dataSource.manager, videoId);
    if (!video) throw DomainError.notFound('VIDEO_NOT_FOUND', 'No video has this id.');
    return video;
  }

  /** A video whose bytes can be served: ready (uploading, failed and replaced ones have none). */
  async getReadyVideo(id: string, field = 'video_id'): Promise<VideoRow> {
    const video = await this.getVideo(id, field);
    if (video.status !== 'ready') {
      throw new DomainError(
        'failed_precondition',
        'VIDEO_NOT_READY',
        `The video is ${video.status}, not ready for playback.`,
      );
    }
    return video;
  }

  async getPlayableVideo(titleId: string, episodeId: string): Promise<VideoRow> {
    const title = requireUuid(titleId, 'title_id');
    const episode = episodeId.trim() === '' ? null : requireUuid(episodeId, 'episode_id');
    const video = await this.videos.findPlayable(this.dataSource.manager, title, episode);
    if (!video) {
      throw DomainError.notFound(
        'VIDEO_NOT_FOUND',
        episode ? 'The episode has no playable video.' : 'The title has no playable video.',
      );
    }
    return video;
  }

  startUpload(upload: NewUpload): Promise<VideoRow> {
    return this.videos.insertUploading(this.dataSource.manager, upload);
  }

  recordUploadId(id: string, uploadId: string | null): Promise<void> {
    return this.videos.recordUploadId(this.dataSource.manager, id, uploadId);
  }

  touchUploading(ids: string[]): Promise<void> {
    return this.videos.touchUploading(this.dataSource.manager, ids);
  }

  staleUploads(staleMs: number): Promise<VideoRow[]> {
    return this.videos.findStaleUploading(this.dataSource.manager, staleMs);
  }

  heldUploads(): Promise<VideoRow[]> {
    return this.videos.findHeldUploads(this.dataSource.manager);
  }

  liveUploadIds(): Promise<Set<string>> {
    return this.videos.liveUploadIds(this.dataSource.manager);
  }

  /**
   * Makes the upload the title's (or episode's) playable video, retiring the previous one, and
   * queues VideoReady. Serialised per title and episode so two uploads finishing together cannot
   * both become playable (the partial unique index would otherwise reject the second).
   */
  completeUpload(id: string, file: StoredFile): Promise<ReadyOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const uploading = await this.videos.lock(manager, id);
      if (!uploading || uploading.status !== 'uploading') {
        throw new Error(`video ${id} is not uploading any more`);
      }
      await this.videos.lockPlayableSlot(manager, uploading.titleId, uploading.episodeId);
      const replacedObjectKeys = await this.videos.retireReady(
        manager,
        uploading.titleId,
        uploading.episodeId,
      );
      const video = await this.videos.markReady(manager, id, file);
      await this.events.ready(manager, video);
      return { video, replacedObjectKeys };
    });
  }

  /**
   * Marks an upload failed and queues VideoFailed; a row already settled is left alone. The row
   * keeps its multipart upload id until that upload is aborted (recordUploadId(id, null)).
   */
  failUpload(id: string, reason: string): Promise<VideoRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const video = await this.videos.lock(manager, id);
      if (!video || video.status !== 'uploading') return video;
      const failed = await this.videos.markFailed(manager, id, reason);
      await this.events.failed(manager, failed, reason);
      return failed;
    });
  }
}

function requireUuid(value: string, field: string): string {
  const normalised = value.trim().toLowerCase();
  if (!isUuid(normalised)) {
    throw DomainError.invalid([{ field, description: 'must be a UUID' }]);
  }
  return normalised;
}
