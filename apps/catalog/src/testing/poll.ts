/**
 * Resolves once `check` answers true, polling every 50 ms; fails after `timeoutMs` with `what`
 * (and the last value `describe` gives, when one is passed) so a hang reads as a clear failure.
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; describe?: () => unknown } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline) {
      const state = options.describe ? `; last seen: ${JSON.stringify(options.describe())}` : '';
      throw new Error(`timed out waiting until ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
