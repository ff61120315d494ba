import { join } from 'node:path';
import { CHAOS_COMMAND } from './chaos-command';
import type { KinemaCommand } from './kinema-command';
import { LAUNCHER_COMMANDS, UsageError } from './launcher-commands';
import { LOAD_COMMAND } from './load-command';
import { REPO_ROOT } from './plan';
import { TRACE_COMMAND } from './trace-command';

/** Every `kinema` command; each parses its own arguments. */
const COMMANDS: readonly KinemaCommand[] = [
  ...LAUNCHER_COMMANDS,
  TRACE_COMMAND,
  LOAD_COMMAND,
  CHAOS_COMMAND,
];

const USAGE = `Usage: npm run kinema -- <command> [arguments] [--data-dir DIR]

Talks to the running \`npm start\` (through the control socket in its data directory).
${COMMANDS.map((command) => command.usage.replace(/^/gm, '  ')).join('\n')}`;

/** Takes `--data-dir DIR` (or `--data-dir=DIR`) out of the arguments, wherever it stands. */
function takeDataDir(argv: string[]): { dataDir: string; rest: string[] } {
  const rest: string[] = [];
  let dataDir = join(REPO_ROOT, '.data');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--data-dir') dataDir = argv[++i] ?? dataDir;
    else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length);
    else rest.push(arg);
  }
  return { dataDir, rest };
}

async function main(): Promise<number> {
  const { dataDir, rest } = takeDataDir(process.argv.slice(2));
  const [name, ...args] = rest;
  if (name === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`kinema: no command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command.run(args, { dataDir });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`kinema ${name}: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`kinema: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
