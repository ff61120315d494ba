import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  TypeOrmHealthIndicator,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { Lifecycle } from './lifecycle';
import { metricsRegistry } from './metrics';
import { ReadinessDetails } from './readiness-details';

const OPS_OPTIONS = Symbol('OPS_OPTIONS');

export interface OpsOptions {
  /** Include a database ping in readiness (needs TypeOrmModule in the app). */
  database: boolean;
  /**
   * Serve `/metrics` from this app (default). The gateway's app is its public port, so it
   * serves metrics on an ops port of its own instead (serveMetrics).
   */
  metrics?: boolean;
}

/** `/healthz` (liveness) and `/readyz` (readiness). */
@ApiExcludeController()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: Lifecycle,
    private readonly details: ReadinessDetails,
    @Inject(OPS_OPTIONS) private readonly options: OpsOptions,
    @Inject(TypeOrmHealthIndicator) private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get('healthz')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }

  @Get('readyz')
  @HealthCheck()
  readiness() {
    const checks: HealthIndicatorFunction[] = [
      () => {
        const check = this.indicators.check('lifecycle');
        const details = this.details.snapshot();
        return this.lifecycle.ready
          ? check.up(details)
          : check.down({ reason: 'starting or shutting down', ...details });
      },
    ];
    if (this.options.database) checks.push(() => this.db.pingCheck('database', { timeout: 2_000 }));
    return this.health.check(checks);
  }
}

/** Prometheus `/metrics`. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  @Get('metrics')
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
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
      controllers: options.metrics === false ? [OpsController] : [OpsController, MetricsController],
      providers: [Lifecycle, ReadinessDetails, { provide: OPS_OPTIONS, useValue: options }],
      exports: [Lifecycle, ReadinessDetails],
    };
  }
}
