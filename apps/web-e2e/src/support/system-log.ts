import { join } from 'node:path';

/**
 * The output of the system every flow shares: its processes' lines and the launcher's events,
 * written as they come (global-setup.ts), printed after a failed run (system-log.reporter.ts).
 */
export const SYSTEM_LOG = join(__dirname, '../../artifacts/system.log');
