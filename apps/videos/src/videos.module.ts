import { TOPICS } from '@kinema/contracts';
import {
  DatabaseModule,
  FaultInjectionModule,
  kafkaClientConfig,
  MessagingModule,
  OpsModule,
  serviceDatabase,
} from '@kinema/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import { ArtworkModule } from './artwork/artwork.module';
import type { VideosConfig } from './config';
import { videosMigrations } from './migrations';
import { PlaybackModule } from './playback/playback.module';
import { UploadModule } from './upload/upload.module';
import { VIDEOS_CONFIG, VIDEOS_EVENT_SOURCE, VIDEOS_MIGRATION_LOCK_KEY } from './videos.constants';
import { VideosModule } from './videos/videos.module';

@Module({})
export class VideosServiceModule {
  static forRoot(config: VideosConfig): DynamicModule {
    return {
      module: VideosServiceModule,
      imports: [
        DatabaseModule.forRoot(
          serviceDatabase(config, {
            migrations: videosMigrations,
            migrationLockKey: VIDEOS_MIGRATION_LOCK_KEY,
          }),
        ),
        OpsModule.forRoot({ database: true }),
        FaultInjectionModule.forRoot({
          service: 'videos',
          enabled: config.FAULT_INJECTION,
          logLevel: config.LOG_LEVEL,
        }),
        MessagingModule.forRoot({
          service: 'videos',
          logLevel: config.LOG_LEVEL,
          kafka: kafkaClientConfig(config, 'videos'),
          source: VIDEOS_EVENT_SOURCE,
          topics: [TOPICS.videosVideos],
          partitions: config.KAFKA_PARTITIONS,
          processedEventsRetentionMs: config.PROCESSED_EVENTS_RETENTION_MS,
        }),
        VideosModule,
        UploadModule,
        PlaybackModule,
        ArtworkModule,
      ],
      // Global so feature modules can inject the config without importing the root module.
      global: true,
      providers: [{ provide: VIDEOS_CONFIG, useValue: config }],
      exports: [VIDEOS_CONFIG],
    };
  }
}
