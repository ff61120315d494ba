import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogServiceClient, GRPC_SERVICES } from '@kinema/contracts';
import { createGrpcClient } from '@kinema/platform';
import { CatalogController } from './catalog.controller';
import { CATALOG_GRPC_CLIENT, CatalogClient } from './catalog.client';
import { TitlesController } from './titles.controller';

export interface CatalogModuleOptions {
  target: string;
  deadlineMs: number;
}

/** Reads are retried on UNAVAILABLE; writes never are (a retried create could run twice). */
const IDEMPOTENT_READS = [
  'ListTitles',
  'GetTitle',
  'BatchGetTitles',
  'ListGenres',
  'Browse',
] as const;

@Module({})
export class CatalogModule {
  static forRoot(options: CatalogModuleOptions): DynamicModule {
    return {
      module: CatalogModule,
      controllers: [TitlesController, CatalogController],
      providers: [
        {
          provide: CATALOG_GRPC_CLIENT,
          useFactory: () =>
            createGrpcClient(CatalogServiceClient, {
              target: options.target,
              service: GRPC_SERVICES.catalog,
              idempotentMethods: IDEMPOTENT_READS,
              deadlineMs: options.deadlineMs,
            }),
        },
        CatalogClient,
      ],
      exports: [CatalogClient],
    };
  }
}
