import type { Consumer } from 'kafkajs';

/** How long a stop waits for a consumer's run loop to finish the message it is on. */
export const RUN_LOOP_STOP_MS = 5_000;

/**
 * How long a stop waits, once the run loop has ended, for the consumer to leave: its last commit,
 * LeaveGroup, a group of its own deleted, its lag reporter's connection closed. Against a broker
 * that takes connections but never answers, each of those waits out the client's request timeout
 * and its retries, past the process's shutdown bound (SHUTDOWN_TIMEOUT_MS), which would then cut
 * off what comes after it, such as the last spans. Past this bound the member is left for the
 * broker to expire, as a killed replica's is.
 */
export const LEAVE_STOP_MS = 2_000;

/** The longest a consumer's stop takes: its run loop's end, then its leaving. */
export const CONSUMER_STOP_MS = RUN_LOOP_STOP_MS + LEAVE_STOP_MS;

/** Whether `work` settled within `ms` (waiting no longer); its failure is the caller's to handle. */
async function settledWithin(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let bound: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(work).then(() => true),
    new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(false), ms).unref())),
  ]).finally(() => clearTimeout(bound));
}

/**
 * Waits for a stop's leaving at most LEAVE_STOP_MS. False when the bound cut it off: what it had
 * not done yet goes on in the background until the process exits.
 */
export function leftWithinBound(leaving: Promise<unknown>): Promise<boolean> {
  return settledWithin(leaving, LEAVE_STOP_MS);
}

/**
 * Whether a consumer was ever in its group, and so what its stop waits for. Only a consumer that
 * joined can be in the middle of a message or have a group to leave. One that never did (no
 * broker reached yet) is not waited for: kafkajs cannot cancel a connect, and one in flight runs
 * out its retries first (against a refused port that took 1 s, against a broker that closes every
 * connection 14 s). A connect that succeeds after the stop must find its owner stopped and let the
 * connection go. Both of the system's consumers, the services' exactly-once runner and the
 * gateway's event feed, stop by this rule.
 */
export class GroupMembership {
  private joined = false;

  constructor(consumer: Consumer) {
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = true));
  }

  get everJoined(): boolean {
    return this.joined;
  }

  /** Waits for `running` (the run loop) to end, at most RUN_LOOP_STOP_MS, if the consumer ever joined. */
  async runLoopEnded(running: Promise<unknown> | undefined): Promise<void> {
    if (this.joined) await settledWithin(running, RUN_LOOP_STOP_MS);
  }
}
