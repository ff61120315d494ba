import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Authentication } from '../auth/authentication';
import type { GatewayConfig } from '../config';
import { ViewerModule } from '../viewer/viewer.module';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { RequestBudget } from '../rate-limit/request-budget';
import { CatalogCache } from './catalog-cache';
import { HotReads } from './hot-reads';

/** The catalog read cache (in memory, or in Redis shared by every replica) and the hot read path. */
@Module({})
export class CatalogCacheModule implements OnApplicationShutdown {
  constructor(@Inject(CatalogCache) private readonly cache: CatalogCache) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: CatalogCacheModule,
      global: true,
      imports: [ViewerModule],
      providers: [
        {
          provide: CatalogCache,
          useFactory: () =>
            new CatalogCache({
              ttlMs: config.CATALOG_CACHE_TTL_MS,
              maxEntries: config.CATALOG_CACHE_MAX_ENTRIES,
              redis: config.REDIS_URL
                ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 })
                : undefined,
              redisPrefix: config.CATALOG_CACHE_REDIS_PREFIX,
            }),
        },
        {
          provide: HotReads,
          inject: [CatalogCache, RequestBudget, Authentication, ViewingProfiles],
          useFactory: (
            cache: CatalogCache,
            budget: RequestBudget,
            authentication: Authentication,
            profiles: ViewingProfiles,
          ) =>
            new HotReads(
              cache,
              budget,
              { authentication, profiles },
              config.CATALOG_CACHE_MAX_ENTRIES,
            ),
        },
      ],
      exports: [CatalogCache, HotReads],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
