import {
  CHAOS_SCENARIOS,
  ChaosOptionError,
  parseChaosArgs,
  scenarioUsage,
  type ChaosScenario,
} from './chaos/chaos-options';
import type { KinemaCommand } from './kinema-command';
import { askLauncher } from './launcher-client';
import { UsageError } from './launcher-commands';

function list(): string {
  const names = Object.keys(CHAOS_SCENARIOS) as ChaosScenario[];
  const width = Math.max(...names.map((name) => name.length));
  return [
    'Fault scenarios (development only; each ends by itself after --for, 30s by default):',
    ...names.map((name) => `  ${name.padEnd(width)}  ${CHAOS_SCENARIOS[name].summary}`),
    '',
    'Usage:',
    ...names.map((name) => `  npm run kinema -- chaos ${scenarioUsage(name)}`),
  ].join('\n');
}

/**
 * `kinema chaos`: switches a fault on in the running `npm start` for a while. The launcher holds
 * the fault and undoes it when the time is up or this command's connection ends, so Ctrl-C (the
 * connection half-closed, the outcome still printed) and a killed command both end it.
 */
export const CHAOS_COMMAND: KinemaCommand = {
  name: 'chaos',
  usage:
    'chaos list                   the fault scenarios a learner can switch on (development only)\n' +
    'chaos <scenario> [--service S] [--latency 300ms] [--for 30s]\n' +
    '                             one fault for a while: what it does, what to watch, then undone',
  // The scenarios, and how to switch each on.
  help: list,
  run: async (args, { dataDir }) => {
    if (args[0] === 'list' && args.length === 1) {
      process.stdout.write(`${list()}\n`);
      return 0;
    }
    try {
      parseChaosArgs(args);
    } catch (error) {
      if (error instanceof ChaosOptionError) throw new UsageError(error.message);
      throw error;
    }
    const interrupt = new AbortController();
    // First Ctrl-C: the launcher undoes the fault and says so. A second one leaves at once (the
    // connection closes, and the launcher undoes the fault all the same).
    const onSigint = () => {
      if (interrupt.signal.aborted) process.exit(130);
      interrupt.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const answer = await askLauncher(
        dataDir,
        { command: 'chaos', args },
        (text) => process.stdout.write(`${text}\n`),
        interrupt.signal,
      );
      if (!answer.ok) {
        process.stderr.write(`kinema chaos: ${answer.error}\n`);
        return 1;
      }
      process.stdout.write(`${answer.text}\n`);
      return interrupt.signal.aborted ? 130 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
