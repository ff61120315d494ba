/** The longest a title (or episode) can run; anything longer is a client bug. */
export const MAX_DURATION_SECONDS = 86_400;
export const DEFAULT_CONTINUE_WATCHING = 20;
export const MAX_CONTINUE_WATCHING = 50;

/**
 * Continue watching shows what was started but not finished: strictly more than 5% and less
 * than 95% watched. Compared in integers (20 * position vs duration) so no rounding decides a
 * boundary; the SQL filter uses the same inequalities.
 */
export function isInProgress(positionSeconds: number, durationSeconds: number): boolean {
  return 20 * positionSeconds > durationSeconds && 20 * positionSeconds < 19 * durationSeconds;
}
