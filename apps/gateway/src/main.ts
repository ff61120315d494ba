import { installGracefulShutdown, loadConfigOrExit } from '@kinema/platform';
import { configSchema } from './config';
import { startGateway } from './gateway.bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit('gateway', configSchema);
  const running = await startGateway(config);
  installGracefulShutdown(running.app, {
    logger: running.logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    beforeClose: running.drain,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
