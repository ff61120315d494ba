/**
 * How many tests and hooks of this file have failed so far, as counted by the e2e environment
 * (e2e-environment.ts) on the file's global object. Zero outside that environment.
 */
export const FAILURES_GLOBAL = '__kinemaE2eFailures';

export function failuresSoFar(): number {
  return ((globalThis as Record<string, unknown>)[FAILURES_GLOBAL] as number | undefined) ?? 0;
}
