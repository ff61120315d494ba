/** One request as the load saw it. */
export interface Sample {
  kind: string;
  /** HTTP status, or 0 when no response came (connection refused or reset, timeout). */
  status: number;
  ms: number;
  /** When it was sent (ms since the load started). */
  at: number;
  /** `x-served-by`: the gateway replica, then each service replica that answered. */
  servedBy: string[];
  retryAfter: string | null;
  error?: string;
}

/** A worker does one unit of work (one or more requests) per call and says what it saw. */
export type Worker = () => Promise<Sample[]>;

/**
 * Keeps a fixed number of workers busy against a running system until stopped, recording every
 * request; marks split the record into the steps of a scenario (a restart, a scale-down, ...).
 * Requests go through fetch, whose pool keeps connections alive and closes idle ones before the
 * server's announced Keep-Alive timeout, as a well-behaved client does.
 */
export class SteadyLoad {
  private readonly samples: Sample[] = [];
  private running = false;
  private loops: Array<Promise<void>> = [];
  private readonly startedAt = Date.now();

  start(workers: Worker[]): void {
    this.running = true;
    this.loops = workers.map(async (work) => {
      while (this.running) this.samples.push(...(await work()));
    });
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.samples;
  }

  /** A position in the record; `since(mark)` returns what came after. */
  mark(): number {
    return this.samples.length;
  }

  since(mark: number, until = this.samples.length): Sample[] {
    return this.samples.slice(mark, until);
  }

  /** Milliseconds since the load was created (the clock of `Sample.at`). */
  now(): number {
    return Date.now() - this.startedAt;
  }

  /** Sends one request and records it as `kind`. */
  async request(
    kind: string,
    url: string,
    init: RequestInit = {},
  ): Promise<Sample & { body: string }> {
    const at = this.now();
    const started = performance.now();
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
      const body = await response.text();
      return {
        kind,
        status: response.status,
        ms: performance.now() - started,
        at,
        servedBy: (response.headers.get('x-served-by') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        retryAfter: response.headers.get('retry-after'),
        // What went wrong, as a server error's problem says it.
        ...(response.status >= 500 ? { error: body.slice(0, 300) } : {}),
        body,
      };
    } catch (error) {
      return {
        kind,
        status: 0,
        ms: performance.now() - started,
        at,
        servedBy: [],
        retryAfter: null,
        error:
          error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error),
        body: '',
      };
    }
  }
}

/** Requests that got no answer, or an answer other than the expected ones. */
export function failures(samples: Sample[], ok: (status: number) => boolean = isSuccess): Sample[] {
  return samples.filter((sample) => !ok(sample.status));
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The share of samples each replica of `service` served (from x-served-by), by replica name. */
export function spread(samples: Sample[], service: string): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const sample of samples) {
    const replica = sample.servedBy.find(
      (name) => name === service || name.startsWith(`${service}-`),
    );
    if (!replica) continue;
    counts.set(replica, (counts.get(replica) ?? 0) + 1);
    total++;
  }
  return new Map([...counts].sort().map(([name, count]) => [name, count / total]));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
