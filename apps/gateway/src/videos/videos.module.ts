import { Module, type DynamicModule } from '@nestjs/common';
import { GRPC_SERVICES, VideosGrpcClient } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform/grpc';
import { DEV_PLAYBACK_GRANT_SECRET, type GatewayConfig } from '../config';
import { ViewerModule } from '../viewer/viewer.module';
import { RequestBudget } from '../rate-limit/request-budget';
import { HotPlayback } from './hot-playback';
import { PlayableVideos } from './playable-videos';
import { PLAYBACK_GRANT_OPTIONS, PlaybackAccess } from './playback-access.service';
import { PLAYBACK_SETTINGS, VideoDelivery } from './video-delivery.service';
import { UploadSlots } from './upload-slots';
import { VideoStreamController } from './video-stream.controller';
import { VIDEO_UPLOAD_MAX_BYTES, VideoUploadController } from './video-upload.controller';
import { VIDEO_TRANSFER_DEADLINE_MS, VIDEOS_GRPC_CLIENT, VideosClient } from './videos.client';

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
@Module({})
export class VideosModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    assertPlaybackSecret(config);
    return {
      module: VideosModule,
      imports: [ViewerModule],
      controllers: [VideoStreamController, VideoUploadController],
      providers: [
        {
          provide: VIDEOS_GRPC_CLIENT,
          useFactory: () =>
            createGrpcClient(VideosGrpcClient, {
              target: config.VIDEOS_GRPC_TARGET,
              service: GRPC_SERVICES.videos,
              idempotentMethods: IDEMPOTENT_READS,
              deadlineMs: config.GRPC_DEADLINE_MS,
            }),
        },
        { provide: VIDEO_TRANSFER_DEADLINE_MS, useValue: config.VIDEO_TRANSFER_DEADLINE_MS },
        { provide: VIDEO_UPLOAD_MAX_BYTES, useValue: config.VIDEO_UPLOAD_MAX_BYTES },
        { provide: UploadSlots, useValue: new UploadSlots(config.VIDEO_UPLOADS_PER_ACCOUNT) },
        {
          provide: PLAYBACK_GRANT_OPTIONS,
          useValue: {
            secret: config.PLAYBACK_GRANT_SECRET,
            ttlSeconds: config.PLAYBACK_GRANT_TTL_SECONDS,
          },
        },
        {
          provide: PLAYBACK_SETTINGS,
          useValue: {
            mode: config.PLAYBACK_MODE,
            presignTtlSeconds: config.PLAYBACK_PRESIGN_TTL_SECONDS,
          },
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
    };
  }
}
