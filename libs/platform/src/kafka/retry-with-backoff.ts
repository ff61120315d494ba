import type { WakeSignal } from './wake-signal';

export interface RetryOptions {
  /** Woken on shutdown, so a pending wait ends at once. */
  signal: WakeSignal;
  isStopped: () => boolean;
  /** Logs and cleans up after a failed attempt, before the wait. */
  onFailure: (error: unknown, retryInMs: number) => void | Promise<void>;
}

/**
 * Runs `attempt` until it succeeds or `isStopped()` turns true, waiting between failures with a
 * backoff that doubles from 500 ms to 15 s. Resolves true once an attempt succeeded.
 */
export async function retryWithBackoff(
  attempt: () => Promise<void>,
  options: RetryOptions,
): Promise<boolean> {
  let backoffMs = 500;
  while (!options.isStopped()) {
    try {
      await attempt();
      return true;
    } catch (error) {
      await options.onFailure(error, backoffMs);
      await options.signal.wait(backoffMs);
      backoffMs = Math.min(15_000, backoffMs * 2);
    }
  }
  return false;
}
