import {
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  isSupervisionMessage,
  tellSupervisor,
  type FaultAppliedMessage,
  type InjectedFault,
} from '@kinema/contracts';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger';
import { ReadinessDetails } from '../ops/readiness-details';
import { activeFaults, applyFault, clearFaults } from './fault-state';

export interface FaultInjectionOptions {
  /** The process's service name, for its log lines. */
  service: string;
  /** FAULT_INJECTION: apply the faults a local launcher sends (refused in production at boot). */
  enabled: boolean;
  logLevel: string;
}

const FAULT_INJECTION_OPTIONS = Symbol('FAULT_INJECTION_OPTIONS');

/** How one fault reads in a log line. */
export function describeFault(fault: InjectedFault): string {
  const target =
    fault.kind === 'database-latency'
      ? 'every database round trip'
      : `every gRPC call to ${fault.service}`;
  return fault.latencyMs > 0
    ? `${target} answers ${fault.latencyMs} ms late`
    : `${target} answers at full speed again`;
}

/**
 * What a process does with a fault a launcher sent: applies it when fault injection is on, or
 * ignores it with a warning; the answer goes back to the launcher.
 */
export function answerFault(
  fault: InjectedFault,
  enabled: boolean,
  logger: Pick<Logger, 'warn' | 'info'>,
): FaultAppliedMessage {
  if (!enabled) {
    logger.warn(
      { fault },
      'ignored a fault a launcher sent: fault injection is off (FAULT_INJECTION=false)',
    );
    return {
      type: 'kinema.fault-applied',
      fault,
      applied: false,
      reason: 'FAULT_INJECTION is off',
    };
  }
  const outcome = applyFault(fault);
  if (!outcome.applied) {
    logger.warn({ fault, reason: outcome.reason }, 'could not simulate a fault');
    return { type: 'kinema.fault-applied', fault, ...outcome };
  }
  // A warning while it lasts, so the terminal of `npm start` shows it; info when it ends.
  if (fault.latencyMs > 0) logger.warn({ fault }, `simulated fault: ${describeFault(fault)}`);
  else logger.info({ fault }, `simulated fault ended: ${describeFault(fault)}`);
  return { type: 'kinema.fault-applied', fault, applied: true };
}

/**
 * Listens for `kinema.inject-fault` on the IPC channel a local launcher opens (none exists on
 * Kubernetes) and answers each; /readyz shows the faults in place under `faults`.
 */
@Injectable()
class FaultListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly onMessage = (message: unknown) => {
    if (!isSupervisionMessage(message) || message.type !== 'kinema.inject-fault') return;
    tellSupervisor(answerFault(message.fault, this.options.enabled, this.logger));
  };

  constructor(
    @Inject(FAULT_INJECTION_OPTIONS) private readonly options: FaultInjectionOptions,
    @Optional() private readonly readiness?: ReadinessDetails,
  ) {
    this.logger = createLogger(options.service, options.logLevel).child({ component: 'faults' });
  }

  onModuleInit(): void {
    if (!process.send) return;
    process.on('message', this.onMessage);
    if (this.options.enabled) this.readiness?.register('faults', activeFaults);
  }

  onModuleDestroy(): void {
    process.off('message', this.onMessage);
    clearFaults();
  }
}

/**
 * Lets `kinema chaos` slow this process's database or its calls to a service, over the IPC channel
 * only a local launcher opens; inert unless FAULT_INJECTION=true, which production refuses at boot.
 */
@Module({})
export class FaultInjectionModule {
  static forRoot(options: FaultInjectionOptions): DynamicModule {
    return {
      module: FaultInjectionModule,
      providers: [{ provide: FAULT_INJECTION_OPTIONS, useValue: options }, FaultListener],
    };
  }
}
