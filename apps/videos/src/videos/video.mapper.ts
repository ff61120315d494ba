import { VideoStatus, type Video } from '@kinema/contracts';
import type { VideoRow, VideoRowStatus } from './video.model';

const STATUS: Record<VideoRowStatus, VideoStatus> = {
  uploading: VideoStatus.VIDEO_STATUS_UPLOADING,
  ready: VideoStatus.VIDEO_STATUS_READY,
  failed: VideoStatus.VIDEO_STATUS_FAILED,
  replaced: VideoStatus.VIDEO_STATUS_REPLACED,
};

export function toVideoMessage(row: VideoRow): Video {
  return {
    id: row.id,
    titleId: row.titleId,
    episodeId: row.episodeId ?? '',
    contentType: row.contentType,
    status: STATUS[row.status],
    sizeBytes: row.sizeBytes ?? 0,
    sha256: row.sha256 ?? '',
    durationSeconds: row.durationSeconds ?? 0,
    width: row.width ?? 0,
    height: row.height ?? 0,
    codecs: row.codecs,
    failureReason: row.failureReason ?? '',
    createTime: row.createdAt,
    updateTime: row.updatedAt,
  };
}
