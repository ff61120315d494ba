import { join } from 'node:path';
import type { KinemaCommand } from './kinema-command';
import { UsageError } from './launcher-commands';
import { REPO_ROOT } from './plan';

/** Where `kinema` writes: the process's own streams, or a test's. */
export interface KinemaOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_OUTPUT: KinemaOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

const USAGE_LINE = 'Usage: npm run kinema -- <command> [arguments] [--data-dir DIR]';

function usage(commands: readonly KinemaCommand[]): string {
  return `${USAGE_LINE}

Talks to the running \`npm start\` (through the control socket in its data directory).
${commands.map((command) => indented(command.usage)).join('\n')}`;
}

function indented(text: string): string {
  return text.replace(/^/gm, '  ');
}

/** What `kinema <command> --help` prints: the command's own help, else its usage lines. */
function commandHelp(command: KinemaCommand): string {
  if (typeof command.help === 'function') return command.help();
  return `${USAGE_LINE}\n${indented(command.usage)}`;
}

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

function asksForHelp(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/**
 * Runs `npm run kinema -- <command> ...` (argv: the arguments after the script's name) and
 * resolves with its exit code: 0 done, 2 a usage error (what is wrong, then that command's
 * usage); `--help` or `-h`, alone or after a command (before a `--`), prints the usage (the
 * command's) and runs nothing.
 */
export async function runKinema(
  argv: string[],
  commands: readonly KinemaCommand[],
  output: KinemaOutput = PROCESS_OUTPUT,
): Promise<number> {
  const { dataDir, rest } = takeDataDir(argv);
  const [name, ...args] = rest;
  if (name === undefined) {
    output.stderr(`${usage(commands)}\n`);
    return 2;
  }
  if (asksForHelp(name) || name === 'help') {
    output.stdout(`${usage(commands)}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    output.stderr(`kinema: no command "${name}"\n\n${usage(commands)}\n`);
    return 2;
  }
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (command.help !== 'own' && options.some(asksForHelp)) {
    output.stdout(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    return await command.run(args, { dataDir });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.stderr(`kinema ${name}: ${error.message}\n\n${commandHelp(command)}\n`);
    return 2;
  }
}
