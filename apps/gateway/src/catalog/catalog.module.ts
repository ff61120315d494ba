import { Global, Module } from '@nestjs/common';
import { CatalogServiceClient, GRPC_SERVICES } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform/grpc';
import { ViewerModule } from '../viewer/viewer.module';
import { CatalogController } from './catalog.controller';
import { CATALOG_GRPC_CLIENT, CatalogClient } from './catalog.client';
import { HomePage } from './home-page';
import { ProfileTitles } from './profile-titles.service';
import { TitlesController } from './titles.controller';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Reads may be sent to a second replica (hedged); writes are sent once (a create could run twice). */
const IDEMPOTENT_READS = [
  'ListTitles',
  'GetTitle',
  'BatchGetTitles',
  'ListGenres',
  'Browse',
] as const;

/** The catalog's client, global so /me (My List, continue watching) resolves titles with it too. */
@Global()
@Module({
  providers: [
    {
      provide: CATALOG_GRPC_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createGrpcClient(CatalogServiceClient, {
          target: config.CATALOG_GRPC_TARGET,
          service: GRPC_SERVICES.catalog,
          idempotentMethods: IDEMPOTENT_READS,
          deadlineMs: config.GRPC_DEADLINE_MS,
        }),
    },
    CatalogClient,
  ],
  exports: [CatalogClient],
})
export class CatalogGrpcModule {}

/** Titles, genres and browse rows, and the titles on a profile's own rows (My List, continue watching). */
@Module({
  imports: [ViewerModule],
  controllers: [TitlesController, CatalogController],
  providers: [ProfileTitles, HomePage],
  exports: [ProfileTitles],
})
export class CatalogModule {}
