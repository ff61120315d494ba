import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { shutdownTelemetry } from '../telemetry/tracing';

export interface ShutdownOptions {
  logger: Logger;
  /** Bound on finishing in-flight work; past it the process exits anyway (code 1). */
  timeoutMs: number;
  /** Runs first: stop advertising readiness so load balancers drain this process. */
  beforeClose?: () => void | Promise<void>;
}

/**
 * On SIGTERM or SIGINT: flip readiness off, close the app (servers stop accepting and finish
 * in-flight calls, pools close), send the last spans, then exit. A second signal or the time bound forces the exit.
 */
export function installGracefulShutdown(
  app: INestApplicationContext,
  options: ShutdownOptions,
): void {
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) {
      options.logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    closing = true;
    options.logger.info({ signal, timeoutMs: options.timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, options.timeoutMs);
    timer.unref();
    let code = 0;
    try {
      await options.beforeClose?.();
      await app.close();
      // The spans of the last requests, still batched, go out before the process does.
      await shutdownTelemetry();
      options.logger.info('stopped');
      options.logger.flush?.();
    } catch (error) {
      options.logger.error({ err: error }, 'error while shutting down');
      code = 1;
    }
    // Done within the bound: its exit must never fire later (where exit is not the end, as in a
    // test, a late exit(1) would kill whatever runs next).
    clearTimeout(timer);
    process.exit(code);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
  // Started by the dev launcher with an IPC channel: its loss means the launcher is gone.
  if (process.connected) process.once('disconnect', () => void shutdown('SIGTERM'));
}
