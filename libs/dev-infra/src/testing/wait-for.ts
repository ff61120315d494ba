export interface WaitForOptions {
  /** How long to keep polling before failing; 30 s unless given. */
  timeoutMs?: number;
  /** Time between checks; 20 ms unless given. */
  intervalMs?: number;
  /** The state a timeout reports beside `what`, so a hang reads as a clear failure. */
  describe?: () => unknown;
}

/**
 * Polls `condition` until it holds; after the timeout, fails naming `what` (and the last state
 * `describe` gives). The one way tests and benchmarks wait for something: never a fixed sleep.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  options: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const state = options.describe ? `; last seen: ${JSON.stringify(options.describe())}` : '';
      throw new Error(`timed out waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
