import { Metadata } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  VideosServiceClient,
  type GetPlayableVideoResponse,
  type GetVideoResponse,
  type PresignPlaybackResponse,
  type UploadVideoMetadata,
} from '@kinema/contracts';
import { callUnary } from '@kinema/platform/grpc';
import type { Readable } from 'node:stream';
import { pumpUpload, type UploadOutcome } from './upload-pump';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export const VIDEOS_GRPC_CLIENT = Symbol('VIDEOS_GRPC_CLIENT');

/** Promise- and stream-returning face of the videos service's gRPC client. */
@Injectable()
export class VideosClient implements OnModuleDestroy {
  constructor(
    @Inject(VIDEOS_GRPC_CLIENT) private readonly client: VideosServiceClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.transferDeadlineMs = config.VIDEO_TRANSFER_DEADLINE_MS;
  }

  /** How long one upload or playback stream may take; the client's default deadline fits unary calls only. */
  private readonly transferDeadlineMs: number;

  getVideo(id: string): Promise<GetVideoResponse> {
    return callUnary(this.client, this.client.getVideo, { id });
  }

  /** The title's (or episode's) ready video and, with a TTL, a URL to read its bytes. */
  getPlayableVideo(
    titleId: string,
    episodeId: string,
    readUrlTtlSeconds = 0,
  ): Promise<GetPlayableVideoResponse> {
    return callUnary(this.client, this.client.getPlayableVideo, {
      titleId,
      episodeId,
      readUrlTtlSeconds,
    });
  }

  presignPlayback(videoId: string, ttlSeconds: number): Promise<PresignPlaybackResponse> {
    return callUnary(this.client, this.client.presignPlayback, { videoId, ttlSeconds });
  }

  /** Streams `source` into one UploadVideo call (see pumpUpload for back-pressure and aborts). */
  upload(metadata: UploadVideoMetadata, source: Readable): Promise<UploadOutcome> {
    return pumpUpload(
      (callback) =>
        this.client.uploadVideo(new Metadata(), { deadline: this.deadline() }, (error, response) =>
          callback(error, response),
        ),
      metadata,
      source,
    );
  }

  private deadline(): Date {
    return new Date(Date.now() + this.transferDeadlineMs);
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
