import { createLogger, loadConfigOrExit } from '@kinema/platform';
import { configSchema } from '../config';
import { runSeedJob } from './demo-seed.job';

// The catalog's first-start job (demo-seed.job.ts), as npm start's launcher runs it.
const config = loadConfigOrExit('catalog', configSchema);
runSeedJob(config, createLogger('catalog', config.LOG_LEVEL)).catch((error: unknown) => {
  process.stderr.write(
    `catalog seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
