/** When a serving process is asked whether it is ready, and how many failures count. */
export interface ProbeSettings {
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

interface Watched {
  ready: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Asks each watched process whether it is ready, every period once it serves, as the kubelet's
 * readinessProbe does: `failureThreshold` failures in a row (an answer that is not 2xx, or none
 * within `timeoutMs`) make it unready, and one success ready again; `changed` hears each turn. A
 * probe starts a period after the last one started, so a process that stops answering is unready
 * within `failureThreshold` periods and a timeout (17 s with the chart's READINESS_PROBE).
 */
export class ReadinessWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly isReady: (name: string, timeoutMs: number) => Promise<boolean>,
    private readonly changed: (name: string, ready: boolean, failures: number) => void,
    private readonly settings: ProbeSettings,
  ) {}

  /** Starts watching a process that is ready now (it passed its start's readiness check). */
  watch(name: string): void {
    this.unwatch(name);
    const entry: Watched = { ready: true, failures: 0 };
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
    const ready = await this.isReady(name, this.settings.timeoutMs).catch(() => false);
    if (this.watched.get(name) !== entry) return;
    if (ready) {
      entry.failures = 0;
      if (!entry.ready) {
        entry.ready = true;
        this.changed(name, true, 0);
      }
    } else {
      entry.failures += 1;
      if (entry.ready && entry.failures >= this.settings.failureThreshold) {
        entry.ready = false;
        this.changed(name, false, entry.failures);
      }
    }
    this.next(name, entry, Math.max(0, this.settings.periodMs - (Date.now() - startedAt)));
  }
}
