import { installGracefulShutdown, loadConfigOrExit } from '@kinema/platform';
import { startVideos } from './videos.bootstrap';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfigOrExit('videos', configSchema);
  const running = await startVideos(config);
  installGracefulShutdown(running.app, {
    logger: running.logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    beforeClose: running.drain,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `videos failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
