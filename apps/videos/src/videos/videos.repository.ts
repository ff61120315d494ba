import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ProbeResult } from '../probe/probe-result';
import { objectKeyFor } from '../storage/object-key';
import { VideoEventsPublisher } from './video-events.publisher';
import { VideoEntity } from './video.entity';

export interface NewUpload {
  id: string;
  titleId: string;
  episodeId: string | null;
  contentType: string;
  declaredSize: number;
}

export interface StoredFile extends ProbeResult {
  sizeBytes: number;
  sha256: string;
}

/** What marking a video ready changed: the row, and the objects of the videos it replaced. */
export interface ReadyOutcome {
  video: VideoEntity;
  replacedObjectKeys: string[];
}

/**
 * The videos table. State changes that publish an event (ready, failed) run in one transaction
 * with their outbox row. No transaction is held while bytes stream: PGlite has one session.
 */
@Injectable()
export class VideosRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: VideoEventsPublisher,
  ) {}

  async createUploading(upload: NewUpload): Promise<VideoEntity> {
    const now = new Date();
    const row: VideoEntity = Object.assign(new VideoEntity(), {
      ...upload,
      status: 'uploading',
      sizeBytes: null,
      sha256: null,
      durationSeconds: null,
      width: null,
      height: null,
      codecs: [],
      objectKey: objectKeyFor(upload.id),
      uploadId: null,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.dataSource.getRepository(VideoEntity).insert(row);
    return row;
  }

  async recordUploadId(id: string, uploadId: string | null): Promise<void> {
    await this.dataSource
      .getRepository(VideoEntity)
      .update({ id }, { uploadId, updatedAt: new Date() });
  }

  findById(id: string): Promise<VideoEntity | null> {
    return this.dataSource.getRepository(VideoEntity).findOneBy({ id });
  }

  findPlayable(titleId: string, episodeId: string | null): Promise<VideoEntity | null> {
    return this.dataSource
      .getRepository(VideoEntity)
      .createQueryBuilder('video')
      .where('video.title_id = :titleId', { titleId })
      .andWhere('video.episode_id IS NOT DISTINCT FROM :episodeId', { episodeId })
      .andWhere(`video.status = 'ready'`)
      .getOne();
  }

  /**
   * Makes the upload the title's (or episode's) playable video, retiring the previous one, and
   * queues VideoReady. Serialised per title and episode so two uploads finishing together cannot
   * both become playable (the partial unique index would otherwise reject the second).
   */
  markReady(id: string, file: StoredFile): Promise<ReadyOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const video = await this.lockUploading(manager, id);
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `${video.titleId}/${video.episodeId ?? ''}`,
      ]);
      // TypeORM answers an UPDATE ... RETURNING on PostgreSQL with [rows, affected count].
      const [replaced] = (await manager.query(
        `UPDATE videos SET status = 'replaced', updated_at = now()
          WHERE title_id = $1 AND episode_id IS NOT DISTINCT FROM $2 AND status = 'ready'
          RETURNING object_key`,
        [video.titleId, video.episodeId],
      )) as [Array<{ object_key: string }>, number];
      Object.assign(video, {
        ...file,
        status: 'ready',
        uploadId: null,
        updatedAt: new Date(),
      });
      await manager.save(VideoEntity, video);
      await this.events.ready(manager, video);
      return { video, replacedObjectKeys: replaced.map((row) => row.object_key) };
    });
  }

  /** Marks an upload failed and queues VideoFailed; a row already settled is left alone. */
  markFailed(id: string, reason: string): Promise<VideoEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const video = await manager
        .getRepository(VideoEntity)
        .createQueryBuilder('video')
        .setLock('pessimistic_write')
        .where('video.id = :id', { id })
        .getOne();
      if (!video || video.status !== 'uploading') return video;
      Object.assign(video, {
        status: 'failed',
        uploadId: null,
        failureReason: reason,
        updatedAt: new Date(),
      });
      await manager.save(VideoEntity, video);
      await this.events.failed(manager, video, reason);
      return video;
    });
  }

  private async lockUploading(manager: EntityManager, id: string): Promise<VideoEntity> {
    const video = await manager
      .getRepository(VideoEntity)
      .createQueryBuilder('video')
      .setLock('pessimistic_write')
      .where('video.id = :id', { id })
      .getOne();
    if (!video || video.status !== 'uploading') {
      throw new Error(`video ${id} is not uploading any more`);
    }
    return video;
  }
}
