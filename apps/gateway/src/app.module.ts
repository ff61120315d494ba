import { Module, type DynamicModule } from '@nestjs/common';
import { OpsModule } from '@kinema/platform';
import { CatalogModule } from './catalog/catalog.module';
import type { GatewayConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OpsModule.forRoot({ database: false }),
        CatalogModule.forRoot({
          target: config.CATALOG_GRPC_TARGET,
          deadlineMs: config.GRPC_DEADLINE_MS,
        }),
      ],
    };
  }
}
