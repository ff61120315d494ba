import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../config';
import { CatalogCache } from './catalog-cache';

/** The catalog read cache (in memory, or in Redis shared by every replica) and its client. */
@Module({})
export class CatalogCacheModule implements OnApplicationShutdown {
  constructor(@Inject(CatalogCache) private readonly cache: CatalogCache) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: CatalogCacheModule,
      global: true,
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
            }),
        },
      ],
      exports: [CatalogCache],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
