import { Module } from '@nestjs/common';
import { GRPC_SERVICES, VideosGrpcClient } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform/grpc';
import { DEV_PLAYBACK_GRANT_SECRET, GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ViewerModule } from '../viewer/viewer.module';
import { RequestBudget } from '../rate-limit/request-budget';
import { HotPlayback } from './hot-playback';
import { PlayableVideos } from './playable-videos';
import { PlaybackAccess } from './playback-access.service';
import { VideoDelivery } from './video-delivery.service';
import { UploadSlots } from './upload-slots';
import { VideoStreamController } from './video-stream.controller';
import { VideoUploadController } from './video-upload.controller';
import { VIDEOS_GRPC_CLIENT, VideosClient } from './videos.client';

// Reads only (hedged); UploadVideo is sent once (its body stream cannot be replayed).
const IDEMPOTENT_READS = ['GetVideo', 'GetPlayableVideo', 'PresignPlayback'] as const;

/** Refuses a production start with the development grant key: anyone could mint grants. */
export function assertPlaybackSecret(config: GatewayConfig): void {
  if (
    config.NODE_ENV === 'production' &&
    config.PLAYBACK_GRANT_SECRET === DEV_PLAYBACK_GRANT_SECRET
  ) {
    throw new Error(
      'PLAYBACK_GRANT_SECRET: must be set to a secret of this deployment in production (not the development default)',
    );
  }
}

/** Video upload (admin) and playback (ranged streaming, redirects, grants). */
@Module({
  imports: [ViewerModule],
  controllers: [VideoStreamController, VideoUploadController],
  providers: [
    {
      provide: VIDEOS_GRPC_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => {
        assertPlaybackSecret(config);
        return createGrpcClient(VideosGrpcClient, {
          target: config.VIDEOS_GRPC_TARGET,
          service: GRPC_SERVICES.videos,
          idempotentMethods: IDEMPOTENT_READS,
          deadlineMs: config.GRPC_DEADLINE_MS,
        });
      },
    },
    {
      provide: UploadSlots,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => new UploadSlots(config.VIDEO_UPLOADS_PER_ACCOUNT),
    },
    VideosClient,
    PlayableVideos,
    PlaybackAccess,
    VideoDelivery,
    {
      provide: HotPlayback,
      inject: [PlaybackAccess, VideoDelivery, PlayableVideos, RequestBudget],
      useFactory: (
        access: PlaybackAccess,
        delivery: VideoDelivery,
        playables: PlayableVideos,
        budget: RequestBudget,
      ) => new HotPlayback(access, delivery, playables, budget),
    },
  ],
})
export class VideosModule {}
