import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@kinema/contracts';
import {
  DatabaseModule,
  FaultInjectionModule,
  kafkaClientConfig,
  MessagingModule,
  OpsModule,
  serviceDatabase,
} from '@kinema/platform';
import {
  CATALOG_CONFIG,
  CATALOG_EVENT_SOURCE,
  CATALOG_MIGRATION_LOCK_KEY,
} from './catalog.constants';
import type { CatalogConfig } from './config';
import { DemoModule } from './demo/demo.module';
import { catalogMigrations } from './migrations';
import { PlayabilityModule } from './playability/playability.module';
import { TitlesModule } from './titles/titles.module';
import { TrendingModule } from './trending/trending.module';

@Module({})
export class CatalogModule {
  static forRoot(config: CatalogConfig): DynamicModule {
    const configProvider = { provide: CATALOG_CONFIG, useValue: config };
    return {
      module: CatalogModule,
      imports: [
        DatabaseModule.forRoot(
          serviceDatabase(config, {
            migrations: catalogMigrations,
            migrationLockKey: CATALOG_MIGRATION_LOCK_KEY,
          }),
        ),
        OpsModule.forRoot({ database: true }),
        FaultInjectionModule.forRoot({
          service: 'catalog',
          enabled: config.FAULT_INJECTION,
          logLevel: config.LOG_LEVEL,
        }),
        MessagingModule.forRoot({
          service: 'catalog',
          logLevel: config.LOG_LEVEL,
          kafka: kafkaClientConfig(config, 'kinema-catalog'),
          source: CATALOG_EVENT_SOURCE,
          // Published by the catalog, then consumed by it (video readiness, playback for trending).
          topics: [TOPICS.catalogTitles, TOPICS.videosVideos, TOPICS.usersPlayback],
          partitions: config.KAFKA_PARTITIONS,
          processedEventsRetentionMs: config.PROCESSED_EVENTS_RETENTION_MS,
        }),
        TitlesModule,
        PlayabilityModule,
        TrendingModule,
        DemoModule,
      ],
      // Global so feature modules can inject the config without importing the root module.
      global: true,
      providers: [configProvider],
      exports: [CATALOG_CONFIG],
    };
  }
}
