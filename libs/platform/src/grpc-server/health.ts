import { HealthImplementation } from 'grpc-health-check';

/**
 * The process's grpc.health.v1 status: the overall ('') status and each named service start
 * NOT_SERVING and flip to SERVING once the process is ready, back on shutdown.
 */
export class GrpcHealth {
  readonly implementation: HealthImplementation;

  constructor(private readonly services: readonly string[]) {
    this.implementation = new HealthImplementation(
      Object.fromEntries(['', ...services].map((name) => [name, 'NOT_SERVING' as const])),
    );
  }

  setServing(serving: boolean): void {
    for (const name of ['', ...this.services]) {
      this.implementation.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    }
  }
}
