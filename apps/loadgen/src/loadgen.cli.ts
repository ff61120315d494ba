import { setTimeout as wait } from 'node:timers/promises';
import { parseOptions, USAGE } from './config';
import { runLoad } from './load-run';

/**
 * The load generator as a command: options from `argv` and `env`, Ctrl-C (or SIGTERM) stops the
 * run and prints the summary, a second one stops what is left at once. Resolves with the exit
 * code: 0 when it ran, 1 when the target never answered, 2 for bad options.
 */
export async function runLoadgen(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseOptions(argv, env);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(
      `${parsed.problems.map((problem) => `kinema load: ${problem}`).join('\n')}\n` +
        'Run with --help to see the options.\n',
    );
    return 2;
  }
  const stop = new AbortController();
  const force = new AbortController();
  const onSignal = () => (stop.signal.aborted ? force.abort() : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runLoad(parsed.options, {
      out: {
        write: (text) => process.stdout.write(text),
        isTTY: Boolean(process.stdout.isTTY),
        get columns() {
          return process.stdout.columns;
        },
      },
      transport: {
        fetch: (input, init) => fetch(input, init),
        pause: async (ms, signal) => {
          await wait(ms, undefined, { signal });
        },
        now: () => performance.now(),
      },
      stop: stop.signal,
      force: force.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
