import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Authentication } from '../auth/authentication';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ViewerModule } from '../viewer/viewer.module';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { RequestBudget } from '../rate-limit/request-budget';
import { CatalogCache } from './catalog-cache';
import { HotReads } from './hot-reads';
import { ProfileRows } from './profile-rows';

/**
 * The catalog read cache (in memory, or in Redis shared by every replica), each profile's own
 * rows (in memory, dropped with the titles they show), and the hot read path.
 */
@Global()
@Module({
  imports: [ViewerModule],
  providers: [
    {
      provide: CatalogCache,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new CatalogCache({
          ttlMs: config.CATALOG_CACHE_TTL_MS,
          maxEntries: config.CATALOG_CACHE_MAX_ENTRIES,
          maxBytes: config.CATALOG_CACHE_MAX_BYTES,
          redis: config.REDIS_URL
            ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 })
            : undefined,
          redisPrefix: config.CATALOG_CACHE_REDIS_PREFIX,
        }),
    },
    {
      provide: ProfileRows,
      inject: [GATEWAY_CONFIG, CatalogCache],
      useFactory: (config: GatewayConfig, cache: CatalogCache) => {
        const rows = new ProfileRows({
          ttlMs: config.CATALOG_CACHE_TTL_MS,
          maxBytes: config.PROFILE_ROWS_CACHE_MAX_BYTES,
        });
        cache.onChange((change) => rows.dropTitles(change));
        return rows;
      },
    },
    {
      provide: HotReads,
      inject: [GATEWAY_CONFIG, CatalogCache, RequestBudget, Authentication, ViewingProfiles],
      useFactory: (
        config: GatewayConfig,
        cache: CatalogCache,
        budget: RequestBudget,
        authentication: Authentication,
        profiles: ViewingProfiles,
      ) =>
        new HotReads(cache, budget, { authentication, profiles }, config.CATALOG_CACHE_MAX_ENTRIES),
    },
  ],
  exports: [CatalogCache, ProfileRows, HotReads],
})
export class CatalogCacheModule implements OnApplicationShutdown {
  constructor(@Inject(CatalogCache) private readonly cache: CatalogCache) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
