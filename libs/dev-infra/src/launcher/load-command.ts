import { spawn } from 'node:child_process';
import type { SystemEndpoints } from './control-socket';
import type { KinemaCommand } from './kinema-command';
import { askLauncher } from './launcher-client';
import { builtScript } from './plan';

/** The load generator's build output (apps/loadgen; started as a process: lint keeps apps out). */
export const LOADGEN_SCRIPT = 'apps/loadgen/dist/main.js';

const names = (args: readonly string[], option: string) =>
  args.some((arg) => arg === option || arg.startsWith(`${option}=`));

/** The running launcher's gateway and development admin. */
async function askEndpoints(dataDir: string): Promise<SystemEndpoints> {
  const answer = await askLauncher(dataDir, { command: 'endpoints' });
  if (!answer.ok) throw new Error(answer.error);
  return JSON.parse(answer.text) as SystemEndpoints;
}

/**
 * Runs the load generator with its terminal: against the gateway of the running `npm start`
 * (and as its development admin) unless `--target` names another one. Resolves with its exit code.
 */
async function runLoad(args: string[], dataDir: string): Promise<number> {
  const script = builtScript(LOADGEN_SCRIPT);
  const env = { ...process.env };
  const given = [...args];
  if (!names(given, '--target') && !names(given, '--help') && !given.includes('-h')) {
    let endpoints: SystemEndpoints;
    try {
      endpoints = await askEndpoints(dataDir);
    } catch (error) {
      process.stderr.write(
        `kinema load: ${error instanceof Error ? error.message : String(error)}, or name a gateway with --target URL\n`,
      );
      return 1;
    }
    given.unshift('--target', endpoints.gatewayUrl);
    // Through the environment, not the command line, where any process could read it.
    if (!names(given, '--admin-email') && !env['LOAD_ADMIN_EMAIL']) {
      env['LOAD_ADMIN_EMAIL'] = endpoints.admin.email;
      env['LOAD_ADMIN_PASSWORD'] = endpoints.admin.password;
    }
  }
  const child = spawn(process.execPath, [script, ...given], { stdio: 'inherit', env });
  // Ctrl-C reaches the whole foreground group: the generator stops and prints its summary, and
  // this process waits for it. A signal sent to this process alone is passed on.
  const ignore = () => undefined;
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onHup = forward('SIGHUP');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
  }
}

export const LOAD_COMMAND: KinemaCommand = {
  name: 'load',
  usage:
    'load [--users 10] [--duration 60s] [--ramp 10s] [--think 1s..4s] [--seed N] [--target URL]\n' +
    '                             simulated viewers (and the admin) on the running gateway: a live\n' +
    '                             table per route, then a summary (`kinema load --help`: every option)',
  run: (args, { dataDir }) => runLoad(args, dataDir),
  // The load generator's own help lists every option.
  help: 'own',
};
