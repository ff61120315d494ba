import type { Consumer } from 'kafkajs';

/** How long a stop waits for a consumer's run loop to finish the message it is on. */
export const RUN_LOOP_STOP_MS = 5_000;

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
    if (!this.joined) return;
    await Promise.race([
      running,
      new Promise((resolve) => setTimeout(resolve, RUN_LOOP_STOP_MS).unref()),
    ]);
  }
}
