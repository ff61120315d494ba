/** Where a viewer is in what they watch, as the player saves it. */
export interface ProgressReport {
  titleId: string;
  episodeId?: string;
  positionSeconds: number;
  durationSeconds: number;
}

/**
 * Saves progress with `save`, skipping a report equal to the last one saved. A clip that plays to
 * its end fires `pause` and then `ended` (the media element spec), and leaving the player reports
 * again: three saves of the same position, each a write, an event and a refetch in every open tab
 * of the profile. `save` resolves false when the API refused or failed; a report that was not saved
 * is sent again the next time it is made.
 */
export function savingChangesOnly(
  save: (report: ProgressReport) => Promise<boolean>,
): (report: ProgressReport) => Promise<void> {
  let last: string | undefined;
  return async (report) => {
    const key = JSON.stringify([
      report.titleId,
      report.episodeId ?? null,
      report.positionSeconds,
      report.durationSeconds,
    ]);
    if (key === last) return;
    last = key;
    let saved = false;
    try {
      saved = await save(report);
    } finally {
      if (!saved && last === key) last = undefined;
    }
  };
}
