import '../instrumentation';
import { createLogger, loadConfigOrExit } from '@kinema/platform';
import { shutdownTelemetry } from '@kinema/platform/telemetry';
import { configSchema } from '../config';
import { runSeedJob } from './demo-seed.job';

// The catalog's first-start job (demo-seed.job.ts), as npm start's launcher runs it. Traced like
// the catalog: its sends are the outbox relay's spans, which it flushes before it exits.
const config = loadConfigOrExit('catalog', configSchema);
runSeedJob(config, createLogger('catalog', config.LOG_LEVEL))
  .then(shutdownTelemetry)
  .catch(async (error: unknown) => {
    process.stderr.write(
      `catalog seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await shutdownTelemetry();
    process.exit(1);
  });
