import { LIBRARY_LIMITS } from '@kinema/contracts';

export const {
  durationSeconds: MAX_DURATION_SECONDS,
  defaultContinueWatching: DEFAULT_CONTINUE_WATCHING,
  maxContinueWatching: MAX_CONTINUE_WATCHING,
} = LIBRARY_LIMITS;

/**
 * Continue watching shows what was started but not finished: strictly more than 5% and less
 * than 95% watched. Compared in integers (20 * position vs duration) so no rounding decides a
 * boundary; the SQL filter uses the same inequalities.
 */
export function isInProgress(positionSeconds: number, durationSeconds: number): boolean {
  return 20 * positionSeconds > durationSeconds && 20 * positionSeconds < 19 * durationSeconds;
}
