import type { ControlRequest } from './control-socket';
import type { KinemaCommand } from './kinema-command';
import { askLauncher } from './launcher-client';
import { MAX_REPLICAS, ONE_EACH, parseScale } from './plan';

/** A command the running launcher carries out itself; its progress and answer are printed. */
function launcherCommand(
  name: string,
  usage: string,
  request: (args: string[]) => ControlRequest | undefined,
): KinemaCommand {
  return {
    name,
    usage,
    run: async (args, { dataDir }) => {
      const message = request(args);
      if (!message) throw new UsageError();
      const answer = await askLauncher(dataDir, message, (text) =>
        process.stdout.write(`  ${text}\n`),
      );
      if (answer.ok) process.stdout.write(`${answer.text}\n`);
      else process.stderr.write(`kinema: ${answer.error}\n`);
      return answer.ok ? 0 : 1;
    },
  };
}

/** Thrown by a command given arguments it does not take: the usage text is printed. */
export class UsageError extends Error {
  constructor(detail?: string) {
    super(detail ?? 'see its usage below');
    this.name = 'UsageError';
  }
}

export const LAUNCHER_COMMANDS: readonly KinemaCommand[] = [
  launcherCommand(
    'status',
    'status                       every process: replica, pid, port, ready, uptime, RSS, CPU, requests',
    (args) => (args.length === 0 ? { command: 'status' } : undefined),
  ),
  launcherCommand(
    'scale',
    `scale catalog=4[,users=2]    start or drain replicas until that many run (0 to ${MAX_REPLICAS})`,
    ([scale, ...rest]) => {
      if (!scale || rest.length > 0) return undefined;
      // The launcher parses it again against what runs; a malformed spec is the caller's mistake.
      try {
        parseScale(scale, ONE_EACH, 0);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      return { command: 'scale', scale };
    },
  ),
  launcherCommand(
    'pg-dump',
    "pg-dump catalog              a plain SQL dump of a service's embedded database, on stdout\n" +
      '                             (load it with `psql -v ON_ERROR_STOP=1 -f dump.sql`)',
    ([service, ...rest]) =>
      service && rest.length === 0 ? { command: 'pg-dump', service } : undefined,
  ),
  launcherCommand(
    'restart',
    'restart catalog              restart a service one replica at a time (zero failed requests)\n' +
      'restart catalog-2            restart one process (a replica or a stand-in such as kafka)',
    ([target, ...rest]) =>
      target && rest.length === 0 ? { command: 'restart', target } : undefined,
  ),
];
