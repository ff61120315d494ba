import { CHAOS_COMMAND } from './chaos-command';
import type { KinemaCommand } from './kinema-command';
import { runKinema } from './kinema-cli';
import { LAUNCHER_COMMANDS } from './launcher-commands';
import { LOAD_COMMAND } from './load-command';
import { TRACE_COMMAND } from './trace-command';

/** Every `kinema` command; each parses its own arguments. */
const COMMANDS: readonly KinemaCommand[] = [
  ...LAUNCHER_COMMANDS,
  TRACE_COMMAND,
  LOAD_COMMAND,
  CHAOS_COMMAND,
];

runKinema(process.argv.slice(2), COMMANDS).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`kinema: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
