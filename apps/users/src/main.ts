import { installGracefulShutdown, loadConfigOrExit } from '@kinema/platform';
import { startUsers } from './users.bootstrap';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('users', configSchema);
  const running = await startUsers(config);
  installGracefulShutdown(running.app, {
    logger: running.logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    beforeClose: running.drain,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `users failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
