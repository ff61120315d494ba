/**
 * Retries an assertion until it passes or the bound runs out, for effects that arrive
 * asynchronously (a reconnect, an event). Polls; never a fixed sleep standing in for readiness.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
