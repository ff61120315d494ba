import { ApiProperty } from '@nestjs/swagger';
import { VideoStatus, type Video } from '@kinema/contracts';

export type VideoStatusName = 'uploading' | 'ready' | 'failed' | 'replaced' | 'unknown';

const STATUS_NAMES: Record<VideoStatus, VideoStatusName> = {
  [VideoStatus.VIDEO_STATUS_UNSPECIFIED]: 'unknown',
  [VideoStatus.VIDEO_STATUS_UPLOADING]: 'uploading',
  [VideoStatus.VIDEO_STATUS_READY]: 'ready',
  [VideoStatus.VIDEO_STATUS_FAILED]: 'failed',
  [VideoStatus.VIDEO_STATUS_REPLACED]: 'replaced',
  [VideoStatus.UNRECOGNIZED]: 'unknown',
};

export class VideoView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) titleId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) episodeId!: string | null;
  @ApiProperty({ enum: ['video/mp4', 'video/webm'] }) contentType!: string;
  @ApiProperty({ enum: ['uploading', 'ready', 'failed', 'replaced', 'unknown'] })
  status!: VideoStatusName;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
  @ApiProperty({ description: 'Lower-case hex SHA-256 of the stored bytes; empty until ready.' })
  sha256!: string;
  @ApiProperty() durationSeconds!: number;
  @ApiProperty({ type: 'integer' }) width!: number;
  @ApiProperty({ type: 'integer' }) height!: number;
  @ApiProperty({ type: [String], example: ['avc1.4d401e', 'mp4a.40.2'] }) codecs!: string[];
  @ApiProperty({ nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) createdAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) updatedAt!: string | null;
}

export function videoView(video: Video): VideoView {
  return {
    id: video.id,
    titleId: video.titleId,
    episodeId: video.episodeId || null,
    contentType: video.contentType,
    status: STATUS_NAMES[video.status] ?? 'unknown',
    sizeBytes: video.sizeBytes,
    sha256: video.sha256,
    durationSeconds: video.durationSeconds,
    width: video.width,
    height: video.height,
    codecs: video.codecs,
    failureReason: video.failureReason || null,
    createdAt: video.createTime?.toISOString() ?? null,
    updatedAt: video.updateTime?.toISOString() ?? null,
  };
}

export class PlaybackGrantView {
  @ApiProperty({
    example: '/api/v1/titles/6f1c.../stream?grant=eyJ2Ijox...',
    description: 'Relative URL a <video src> can use without an Authorization header.',
  })
  streamUrl!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ enum: ['video/mp4', 'video/webm'] }) contentType!: string;
  @ApiProperty() durationSeconds!: number;
  @ApiProperty({ type: 'integer' }) sizeBytes!: number;
}
