import type { RunningSystem } from '../system';
import { formatDuration, parseChaosArgs, type ChaosRequest } from './chaos-options';
import { startLatencyFault } from './chaos-latency-faults';
import { describeProbe } from './chaos-probe';
import {
  startBrokerDown,
  startCrashedReplica,
  startHungReplica,
  startUsersDown,
} from './chaos-process-faults';
import type { ActiveFault, ChaosContext, ChaosSession } from './chaos-session';

/** The scenario running on each system: one fault at a time, so each one's effect is its own. */
const running = new WeakMap<RunningSystem, { scenario: string; until: number }>();

function start(context: ChaosContext, request: ChaosRequest): Promise<ActiveFault> {
  switch (request.scenario) {
    case 'broker-down':
      return startBrokerDown(context);
    case 'users-down':
      return startUsersDown(context);
    case 'hung-replica':
      return startHungReplica(context, request);
    case 'crashed-replica':
      return startCrashedReplica(context, request);
    case 'slow-database':
    case 'slow-network':
      return startLatencyFault(context, request);
  }
}

function clock(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}

/**
 * Runs `kinema chaos <args>` in the launcher: switches the fault on, probes it through the
 * gateway and says what to watch, then undoes it after `--for`, or as soon as the command ends
 * (Ctrl-C) or dies, and waits until the system serves again. Its lifetime is the launcher's
 * timer and the command's connection, never the command alone. Resolves with the last line.
 */
export async function runChaos(
  args: readonly string[],
  system: RunningSystem,
  session: ChaosSession,
): Promise<string> {
  const request = parseChaosArgs(args);
  const busy = running.get(system);
  if (busy) {
    throw new Error(
      `${busy.scenario} is on until ${clock(busy.until)}; one scenario at a time (Ctrl-C that one to end it now)`,
    );
  }
  const startedAt = Date.now();
  const until = startedAt + request.durationMs;
  running.set(system, { scenario: request.scenario, until });
  try {
    session.say(`chaos ${request.scenario} for ${formatDuration(request.durationMs)}:`);
    const fault = await start({ system, session }, request);
    let why: Awaited<ReturnType<typeof watchUntilOver>>;
    try {
      why = await watchUntilOver(fault, until, system, session);
    } catch (error) {
      // The fault never outlives this call, whatever failed meanwhile.
      session.say('Something failed while the fault was on: undoing it...');
      await fault.undo();
      throw error;
    }
    // A launcher that is stopping stops every process itself (thawing a frozen one first).
    if (why === 'the launcher is stopping') {
      return 'The launcher is stopping every process, so the fault ends with them.';
    }
    session.say(
      why === 'time'
        ? `Time is up (${formatDuration(request.durationMs)}): undoing the fault...`
        : 'Ended early: undoing the fault...',
    );
    return `Undone. ${await fault.undo()}.`;
  } finally {
    running.delete(system);
  }
}

/** Probes the fault, says what to watch, and resolves when it is over, saying why. */
async function watchUntilOver(
  fault: ActiveFault,
  until: number,
  system: RunningSystem,
  session: ChaosSession,
): Promise<'time' | 'the command ended' | 'the launcher is stopping'> {
  const interrupted = Promise.race([
    session.ended.then(() => 'the command ended' as const),
    system.fleet.stopped.then(() => 'the launcher is stopping' as const),
  ]);
  session.say('');
  session.say('WHAT TO WATCH');
  const answers = await Promise.race([fault.probe(), interrupted.then(() => [])]);
  for (const answer of answers) {
    for (const line of describeProbe(answer, (id) => session.kinemaCommand(`trace ${id}`))) {
      session.say(line);
    }
  }
  for (const line of fault.watch) session.say(line);
  session.say('');
  session.say(`It ends by itself at ${clock(until)}; Ctrl-C ends it now.`);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<'time'>((resolve) => {
        timer = setTimeout(() => resolve('time'), Math.max(0, until - Date.now()));
      }),
      interrupted,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
