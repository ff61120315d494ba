/** How often a serving process is probed, how long an answer is waited for, and how many failures count. */
export interface ProbeSettings {
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

interface Watched {
  passing: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Asks each watched process a probe (its readiness, or its liveness), every period once it serves,
 * as the kubelet's probes do: `failureThreshold` failures in a row (an answer that is not 2xx, or
 * none within `timeoutMs`) turn it failing, and one success passing again; `changed` hears each
 * turn. A probe starts a period after the last one started, so a process that stops answering is
 * failing within `failureThreshold` periods and a timeout (17 s for the chart's READINESS_PROBE).
 */
export class ProbeWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly passes: (name: string, timeoutMs: number) => Promise<boolean>,
    private readonly changed: (name: string, passing: boolean, failures: number) => void,
    private readonly settings: ProbeSettings,
  ) {}

  /** Starts watching a process that passes now (it passed its start's readiness check). */
  watch(name: string): void {
    this.unwatch(name);
    const entry: Watched = { passing: true, failures: 0 };
    this.watched.set(name, entry);
    this.next(name, entry, this.settings.periodMs);
  }

  /** Stops watching it (it is stopping, or gone); a probe under way is not heard. */
  unwatch(name: string): void {
    clearTimeout(this.watched.get(name)?.timer);
    this.watched.delete(name);
  }

  close(): void {
    for (const name of [...this.watched.keys()]) this.unwatch(name);
  }

  private next(name: string, entry: Watched, inMs: number): void {
    entry.timer = setTimeout(() => void this.probe(name, entry), inMs);
    entry.timer.unref();
  }

  private async probe(name: string, entry: Watched): Promise<void> {
    const startedAt = Date.now();
    const passing = await this.passes(name, this.settings.timeoutMs).catch(() => false);
    if (this.watched.get(name) !== entry) return;
    if (passing) {
      entry.failures = 0;
      if (!entry.passing) {
        entry.passing = true;
        this.changed(name, true, 0);
      }
    } else {
      entry.failures += 1;
      if (entry.passing && entry.failures >= this.settings.failureThreshold) {
        entry.passing = false;
        this.changed(name, false, entry.failures);
      }
    }
    this.next(name, entry, Math.max(0, this.settings.periodMs - (Date.now() - startedAt)));
  }
}
