import { build, type Histogram } from 'hdr-histogram-js';

/** One request as the run saw it. */
export interface Sample {
  route: string;
  /** The HTTP status; 0 when no answer came (refused connection, reset, timeout). */
  status: number;
  latencyMs: number;
  /** The answer's trace id header, when it had one. */
  traceId?: string;
  /** Why no answer came (status 0). */
  failure?: string;
  /** When it finished, in milliseconds since the run started. */
  atMs: number;
}

/** A request worth naming in the summary: the slowest, and those that failed. */
export type NotableRequest = Sample;

export interface IntervalRow {
  route: string;
  requestsPerSecond: number;
  /** Since the run started. */
  requests: number;
  errors: number;
  limited: number;
  /** Over the interval; undefined when the route had no request in it. */
  p50Ms?: number;
  p99Ms?: number;
}

export interface SummaryRow {
  route: string;
  requests: number;
  errors: number;
  limited: number;
  /** Other 4xx answers (refused sign-ins, stale If-Match): expected now and then, not errors. */
  refused: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Count of each status that is not 2xx or 3xx (0 stands for no answer). */
  statuses: Map<number, number>;
}

// Microseconds, 3 significant digits: 0.1% resolution at any latency from 1 us to an hour, in a
// few tens of kilobytes per histogram however many requests (HdrHistogram's design), where
// keeping every latency to sort would grow with the run.
const histogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, autoResize: true });

const toUs = (ms: number) => Math.max(1, Math.round(ms * 1000));
const toMs = (us: number) => us / 1000;

/**
 * A percentile in milliseconds. HdrHistogram answers the highest value its bucket stands for, up
 * to 0.1% above what was recorded; no percentile is shown above the largest value recorded.
 */
function percentile(histogram: Histogram, p: number): number {
  return toMs(Math.min(histogram.getValueAtPercentile(p), histogram.maxValue));
}

/** A 5xx answer or no answer at all: what the table counts as an error. */
export function isError(status: number): boolean {
  return status === 0 || status >= 500;
}

class RouteStats {
  readonly total = histogram();
  readonly interval = histogram();
  requests = 0;
  intervalRequests = 0;
  errors = 0;
  limited = 0;
  refused = 0;
  readonly statuses = new Map<number, number>();

  record(sample: Sample): void {
    const us = toUs(sample.latencyMs);
    this.total.recordValue(us);
    this.interval.recordValue(us);
    this.requests += 1;
    this.intervalRequests += 1;
    if (isError(sample.status)) this.errors += 1;
    else if (sample.status === 429) this.limited += 1;
    else if (sample.status >= 400) this.refused += 1;
    if (sample.status < 200 || sample.status >= 400)
      this.statuses.set(sample.status, (this.statuses.get(sample.status) ?? 0) + 1);
  }
}

function intervalRow(route: string, stats: RouteStats, seconds: number): IntervalRow {
  const row: IntervalRow = {
    route,
    requestsPerSecond: seconds > 0 ? stats.intervalRequests / seconds : 0,
    requests: stats.requests,
    errors: stats.errors,
    limited: stats.limited,
  };
  if (stats.intervalRequests > 0) {
    row.p50Ms = percentile(stats.interval, 50);
    row.p99Ms = percentile(stats.interval, 99);
  }
  stats.interval.reset();
  stats.intervalRequests = 0;
  return row;
}

function summaryRow(route: string, stats: RouteStats): SummaryRow {
  return {
    route,
    requests: stats.requests,
    errors: stats.errors,
    limited: stats.limited,
    refused: stats.refused,
    p50Ms: percentile(stats.total, 50),
    p90Ms: percentile(stats.total, 90),
    p99Ms: percentile(stats.total, 99),
    maxMs: toMs(stats.total.maxValue),
    statuses: new Map([...stats.statuses.entries()].sort(([a], [b]) => a - b)),
  };
}

/** How many of the slowest and of the failed requests the summary names. */
const KEPT = 5;

/**
 * Counts and latency histograms per route template, for the whole run and for the interval since
 * the table was last drawn; keeps the slowest and the failed requests with their trace ids.
 */
export class LoadStats {
  private readonly routes = new Map<string, RouteStats>();
  /** Every request of every route, for the totals line. */
  private readonly all = new RouteStats();
  private readonly slowest: NotableRequest[] = [];
  private readonly failed: NotableRequest[] = [];
  private failedCount = 0;

  record(sample: Sample): void {
    let route = this.routes.get(sample.route);
    if (!route) {
      route = new RouteStats();
      this.routes.set(sample.route, route);
    }
    route.record(sample);
    this.all.record(sample);
    this.keepSlowest(sample);
    if (isError(sample.status)) {
      this.failedCount += 1;
      // The first few tell when trouble started; later ones are counted in the table.
      if (this.failed.length < KEPT) this.failed.push(sample);
    }
  }

  private keepSlowest(sample: Sample): void {
    if (this.slowest.length === KEPT && (this.slowest.at(-1)?.latencyMs ?? 0) >= sample.latencyMs)
      return;
    this.slowest.push(sample);
    this.slowest.sort((a, b) => b.latencyMs - a.latencyMs);
    if (this.slowest.length > KEPT) this.slowest.pop();
  }

  /**
   * The rows of the interval that ends now (`seconds` long) and their totals line, then starts
   * the next interval.
   */
  takeInterval(seconds: number): { rows: IntervalRow[]; total: IntervalRow } {
    const rows = [...this.routes.entries()]
      .map(([route, stats]) => intervalRow(route, stats, seconds))
      .sort((a, b) => a.route.localeCompare(b.route));
    return { rows, total: intervalRow('total', this.all, seconds) };
  }

  /** Every route over the whole run, by route template, and all of them together. */
  summary(): { rows: SummaryRow[]; total: SummaryRow } {
    const rows = [...this.routes.entries()]
      .map(([route, stats]) => summaryRow(route, stats))
      .sort((a, b) => a.route.localeCompare(b.route));
    return { rows, total: summaryRow('total', this.all) };
  }

  /** The slowest requests of the run, slowest first. */
  slowestRequests(): readonly NotableRequest[] {
    return this.slowest;
  }

  /** The first failed requests (5xx or no answer), and how many failed in all. */
  failedRequests(): { first: readonly NotableRequest[]; count: number } {
    return { first: this.failed, count: this.failedCount };
  }
}
