/** While the same failure goes on, one line per this period says how many times it happened. */
export const FAILURE_LOG_PERIOD_MS = 10_000;

/**
 * Groups a run of the same failure (a database or an upstream service down) into one log line
 * per period, the first at once, each saying how many failures it stands for: an outage is a few
 * lines, not one per request, and the count still tells how much it cost.
 */
export class FailureLog {
  private readonly runs = new Map<string, { loggedAt: number; unlogged: number }>();

  constructor(
    private readonly periodMs = FAILURE_LOG_PERIOD_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one failure of `kind` (a small, fixed vocabulary, such as a status code). When a line
   * is due, answers how many failures of that kind it stands for; otherwise undefined.
   */
  count(kind: string): number | undefined {
    const run = this.runs.get(kind) ?? { loggedAt: Number.NEGATIVE_INFINITY, unlogged: 0 };
    this.runs.set(kind, run);
    run.unlogged += 1;
    if (this.now() - run.loggedAt < this.periodMs) return undefined;
    const failures = run.unlogged;
    run.loggedAt = this.now();
    run.unlogged = 0;
    return failures;
  }
}
