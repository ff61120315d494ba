import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FaultInjectionModule } from '@kinema/platform/faults';
import { OpsModule } from '@kinema/platform/ops';
import { AuthGuard } from './auth/auth.guard';
import { ArtworkModule } from './artwork/artwork.module';
import { AuthModule } from './auth/auth.module';
import { CatalogCacheModule } from './cache/catalog-cache.module';
import { CatalogGrpcModule, CatalogModule } from './catalog/catalog.module';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import { HttpEdgeModule } from './http-edge.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { MeModule } from './me/me.module';
import { GatewayEventsModule } from './events/gateway-events.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { UsersGrpcModule } from './users/users-grpc.module';
import { VideosModule } from './videos/videos.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Metrics go to the ops port (serveMetrics), off the public one.
        OpsModule.forRoot({ database: false, metrics: false }),
        FaultInjectionModule.forRoot({
          service: 'gateway',
          enabled: config.FAULT_INJECTION,
          logLevel: config.LOG_LEVEL,
        }),
        CatalogGrpcModule.forRoot({
          target: config.CATALOG_GRPC_TARGET,
          deadlineMs: config.GRPC_DEADLINE_MS,
        }),
        UsersGrpcModule.forRoot({
          target: config.USERS_GRPC_TARGET,
          deadlineMs: config.GRPC_DEADLINE_MS,
        }),
        AuthModule.forRoot({ sessionCheckCacheMs: config.SESSION_CHECK_CACHE_MS }),
        RateLimitModule.forRoot(config),
        IdempotencyModule.forRoot(config),
        CatalogCacheModule.forRoot(config),
        RealtimeModule.forRoot(config),
        GatewayEventsModule.forRoot(config),
        MeModule,
        CatalogModule,
        VideosModule.forRoot(config),
        ArtworkModule.forRoot(config),
        // Last: its hooks find the hot paths the feature modules provide.
        HttpEdgeModule.forRoot(config, logger),
      ],
      // Global guards run in this order: who is calling (and may they), then how often: the
      // per-account limit needs to know the account.
      providers: [
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }
}
