import { OPS_PATHS } from '@kinema/contracts/supervision';
import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  DATABASE_PING,
  healthCheck,
  pingIndicator,
  type DatabasePing,
  type HealthIndicator,
} from './health-check';
import { Lifecycle } from './lifecycle';
import { metricsRegistry } from './metrics';
import { ReadinessDetails } from './readiness-details';

const OPS_OPTIONS = Symbol('OPS_OPTIONS');

export interface OpsOptions {
  /** Include a database ping in readiness (needs DatabaseModule in the app). */
  database: boolean;
  /**
   * Serve `/metrics` from this app (default). The gateway's app is its public port, so it
   * serves metrics on an ops port of its own instead (serveMetrics).
   */
  metrics?: boolean;
}

/** Probes are answered fresh: a cache between the kubelet and the process would hide a change. */
const NO_CACHE = 'no-cache, no-store, must-revalidate';

/**
 * `/healthz` (liveness) and `/readyz` (readiness). No OpenAPI decorator: the services would load
 * @nestjs/swagger for it; the gateway, which documents its API, excludes this controller itself.
 */
@Controller()
export class OpsController {
  constructor(
    private readonly lifecycle: Lifecycle,
    private readonly details: ReadinessDetails,
    private readonly moduleRef: ModuleRef,
    @Inject(OPS_OPTIONS) private readonly options: OpsOptions,
  ) {}

  @Get(OPS_PATHS.liveness)
  @Header('Cache-Control', NO_CACHE)
  liveness() {
    return healthCheck([]);
  }

  @Get(OPS_PATHS.readiness)
  @Header('Cache-Control', NO_CACHE)
  readiness() {
    const checks: HealthIndicator[] = [
      () => {
        const details = this.details.snapshot();
        return this.lifecycle.ready
          ? ['lifecycle', { status: 'up', ...details }]
          : ['lifecycle', { status: 'down', reason: 'starting or shutting down', ...details }];
      },
    ];
    if (this.options.database) {
      const ping = this.moduleRef.get<DatabasePing>(DATABASE_PING, { strict: false });
      checks.push(() => pingIndicator('database', ping, 2_000));
    }
    return healthCheck(checks);
  }
}

/** Prometheus `/metrics`. */
@Controller()
export class MetricsController {
  @Get(OPS_PATHS.metrics)
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

@Module({})
export class OpsModule {
  static forRoot(options: OpsOptions): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      controllers: options.metrics === false ? [OpsController] : [OpsController, MetricsController],
      providers: [Lifecycle, ReadinessDetails, { provide: OPS_OPTIONS, useValue: options }],
      exports: [Lifecycle, ReadinessDetails],
    };
  }
}
