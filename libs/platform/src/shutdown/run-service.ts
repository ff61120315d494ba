import { reportListening, type Listeners } from '@kinema/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { loadConfigOrExit } from '../config/load-config';
import { installGracefulShutdown } from './graceful-shutdown';

interface RunningService {
  app: INestApplicationContext;
  logger: Logger;
  /** The ports really bound (0 asked for resolves here), told to a local supervisor if any. */
  listeners: Listeners;
  drain(): void | Promise<void>;
}

/**
 * A service's whole `main`: validate the environment (exit 78 listing every bad variable), start,
 * then shut down gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS. Start-up failures exit 1.
 */
export function runService<Shape extends z.ZodRawShape>(
  name: string,
  schema: z.ZodObject<Shape>,
  start: (config: z.output<z.ZodObject<Shape>>) => Promise<RunningService>,
): void {
  const run = async (): Promise<void> => {
    const config = loadConfigOrExit(name, schema);
    const running = await start(config);
    reportListening(running.listeners);
    installGracefulShutdown(running.app, {
      logger: running.logger,
      // Every service's schema extends baseConfigShape, which defines it.
      timeoutMs: (config as { SHUTDOWN_TIMEOUT_MS?: number }).SHUTDOWN_TIMEOUT_MS ?? 10_000,
      beforeClose: running.drain,
    });
  };
  run().catch((error: unknown) => {
    process.stderr.write(
      `${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
