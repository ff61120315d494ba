import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { isUuid } from '../storage/object-key';
import type { VideoEntity } from './video.entity';
import { VideosRepository } from './videos.repository';

/** Lookups by id and by title; ids are checked to be UUIDs before they reach a query or a key. */
@Injectable()
export class VideosService {
  constructor(private readonly videos: VideosRepository) {}

  async getVideo(id: string, field = 'id'): Promise<VideoEntity> {
    const videoId = requireUuid(id, field);
    const video = await this.videos.findById(videoId);
    if (!video) throw DomainError.notFound('VIDEO_NOT_FOUND', 'No video has this id.');
    return video;
  }

  /** A video whose bytes can be served: ready (uploading, failed and replaced ones have none). */
  async getReadyVideo(id: string, field = 'video_id'): Promise<VideoEntity> {
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

  async getPlayableVideo(titleId: string, episodeId: string): Promise<VideoEntity> {
    const title = requireUuid(titleId, 'title_id');
    const episode = episodeId.trim() === '' ? null : requireUuid(episodeId, 'episode_id');
    const video = await this.videos.findPlayable(title, episode);
    if (!video) {
      throw DomainError.notFound(
        'VIDEO_NOT_FOUND',
        episode ? 'The episode has no playable video.' : 'The title has no playable video.',
      );
    }
    return video;
  }
}

function requireUuid(value: string, field: string): string {
  const normalised = value.trim().toLowerCase();
  if (!isUuid(normalised)) {
    throw DomainError.invalid([{ field, description: 'must be a UUID' }]);
  }
  return normalised;
}
