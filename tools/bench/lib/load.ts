import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  /** Requests answered in the run. */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /**
   * CPU the load generator (this process) used over the run, in milliseconds of user + system
   * time: next to the run's length it shows how much of a core autocannon took from the servers.
   */
  loadCpuMs: number;
  seconds: number;
}

/**
 * Runs `work` and measures this process's CPU over it: for load generators other than autocannon
 * (a seeking player, an upload), whose figures need the same note beside them.
 */
export async function withLoadCpu<T>(
  work: () => Promise<T>,
): Promise<{ result: T; percent: number }> {
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await work();
  const cpu = process.cpuUsage(before);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { result, percent: seconds > 0 ? (cpu.user + cpu.system) / 10_000 / seconds : 0 };
}

/** The load generator's share of one core over a run, as a percentage. */
export function loadCpuPercent(result: LoadResult): number {
  return result.seconds > 0 ? result.loadCpuMs / 10 / result.seconds : 0;
}

/** One autocannon run against a URL; returns the figures we quote. */
export async function load(
  label: string,
  url: string,
  options: {
    seconds: number;
    connections: number;
    headers?: Record<string, string>;
    method?: 'GET' | 'POST';
    body?: string;
    /** Requests a second over all connections; as many as answered when not given. */
    rate?: number;
    /** Each request's path and query, instead of the URL's every time. */
    paths?: () => string;
  },
): Promise<LoadResult> {
  const { paths } = options;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    method: options.method ?? 'GET',
    body: options.body,
    ...(options.rate ? { overallRate: options.rate } : {}),
    ...(paths
      ? { requests: [{ setupRequest: (request) => ({ ...request, path: paths() }) }] }
      : {}),
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    label,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One contender's run in a round: its load figures, and optionally a line of its own figures (the
 * CPU a request cost, say), printed under the round's line.
 */
export type RoundResult = LoadResult & { detail?: string };

/** Alternates the contenders round by round so drift on a noisy machine hits both alike. */
export async function compare(
  rounds: number,
  contenders: Array<{
    label: string;
    run: () => Promise<RoundResult>;
    /** Load before the rounds, not counted: code compiled, lazily loaded modules loaded. */
    warmUp?: () => Promise<unknown>;
  }>,
): Promise<Map<string, LoadResult[]>> {
  const results = new Map<string, LoadResult[]>(contenders.map((c) => [c.label, []]));
  for (const contender of contenders) {
    if (!contender.warmUp) continue;
    await contender.warmUp();
    process.stdout.write(`  warm-up ${contender.label} (not counted)\n`);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const contender of contenders) {
      const result = await contender.run();
      results.get(contender.label)?.push(result);
      process.stdout.write(
        `  round ${round} ${contender.label.padEnd(28)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  load generator CPU ${loadCpuPercent(result).toFixed(0)}%${result.non2xx ? `  (${result.non2xx} non-2xx/errors!)` : ''}\n`,
      );
      if (result.detail !== undefined) process.stdout.write(`    ${result.detail}\n`);
    }
  }
  return results;
}

export function summarize(results: Map<string, LoadResult[]>, baseline: string): void {
  const base = median((results.get(baseline) ?? []).map((r) => r.requestsPerSecond));
  process.stdout.write('\nmedians:\n');
  for (const [label, runs] of results) {
    const rps = median(runs.map((r) => r.requestsPerSecond));
    const p99 = median(runs.map((r) => r.p99Ms));
    const loadCpu = median(runs.map(loadCpuPercent));
    process.stdout.write(
      `  ${label.padEnd(28)} ${rps.toFixed(0).padStart(7)} req/s  p99 ${p99.toFixed(1)} ms  ratio to ${baseline}: ${(rps / base).toFixed(2)}  load generator CPU ${loadCpu.toFixed(0)}%\n`,
    );
  }
}
