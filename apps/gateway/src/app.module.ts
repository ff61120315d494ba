import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FaultInjectionModule } from '@kinema/platform/faults';
import { OpsModule } from '@kinema/platform/ops';
import { AuthGuard } from './auth/auth.guard';
import { ArtworkModule } from './artwork/artwork.module';
import { AuthModule } from './auth/auth.module';
import { CatalogCacheModule } from './cache/catalog-cache.module';
import { CatalogGrpcModule, CatalogModule } from './catalog/catalog.module';
import type { Logger } from 'pino';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { HttpEdgeModule } from './http-edge.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { MeModule } from './me/me.module';
import { GatewayEventsModule } from './events/gateway-events.module';
import { RealtimeModule } from './realtime/realtime.module';
import { UndeclaredInputGuard } from './http/undeclared-input.guard';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { UsersGrpcModule } from './users/users-grpc.module';
import { VideosModule } from './videos/videos.module';

/** The configuration, validated once at start-up, for every module to inject (GATEWAY_CONFIG). */
@Global()
@Module({})
class GatewayConfigModule {}

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: GatewayConfigModule,
          providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
          exports: [GATEWAY_CONFIG],
        },
        // Metrics go to the ops port (serveMetrics), off the public one.
        OpsModule.forRoot({ database: false, metrics: false }),
        FaultInjectionModule.forRoot({
          service: 'gateway',
          enabled: config.FAULT_INJECTION,
          logLevel: config.LOG_LEVEL,
        }),
        CatalogGrpcModule,
        UsersGrpcModule,
        AuthModule,
        RateLimitModule,
        IdempotencyModule,
        CatalogCacheModule,
        RealtimeModule,
        GatewayEventsModule,
        MeModule,
        CatalogModule,
        VideosModule,
        ArtworkModule,
        // Last: its hooks find the hot paths the feature modules provide.
        HttpEdgeModule.forRoot(logger),
      ],
      // Global guards run in this order: who is calling (and may they), then how often (the
      // per-account limit needs to know the account), then whether the query and the body hold
      // only what the route declares, where a DTO's refusal would come too.
      providers: [
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: UndeclaredInputGuard },
      ],
    };
  }
}
