import type { IntervalRow, NotableRequest, SummaryRow } from './load-stats';

/** A latency for people: 0.42ms, 3.1ms, 120ms, 1.25s; `-` when there is none. */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** Seconds for people: 20.0s, 2m05s. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * Columns padded to their widest cell, aligned by `align` (`l` or `r` per column; by default the
 * first column left and the others right, as numbers read best).
 */
export function formatTable(rows: readonly (readonly string[])[], align = 'l'): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        (align[i] ?? 'r') === 'l' ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

export const INTERVAL_HEADER = ['route', 'req/s', 'requests', 'errors', 'limited', 'p50', 'p99'];

/** The live table: one row per route, then the totals. */
export function intervalTable(rows: readonly IntervalRow[], total: IntervalRow): string[] {
  const cells = (row: IntervalRow) => [
    row.route,
    row.requestsPerSecond.toFixed(1),
    String(row.requests),
    String(row.errors),
    String(row.limited),
    formatLatency(row.p50Ms),
    formatLatency(row.p99Ms),
  ];
  return formatTable([INTERVAL_HEADER, ...rows.map(cells), cells(total)]);
}

export const SUMMARY_HEADER = [
  'route',
  'requests',
  'errors',
  'limited',
  'other 4xx',
  'p50',
  'p90',
  'p99',
  'max',
];

/** The whole run per route, then the totals. */
export function summaryTable(rows: readonly SummaryRow[], total: SummaryRow): string[] {
  const cells = (row: SummaryRow) => [
    row.route,
    String(row.requests),
    String(row.errors),
    String(row.limited),
    String(row.refused),
    formatLatency(row.p50Ms),
    formatLatency(row.p90Ms),
    formatLatency(row.p99Ms),
    formatLatency(row.maxMs),
  ];
  return formatTable([SUMMARY_HEADER, ...rows.map(cells), cells(total)]);
}

/** `503 x2, no answer x1`: the answers of a route that were neither 2xx nor 3xx. */
export function statusCounts(statuses: ReadonlyMap<number, number>): string {
  return [...statuses.entries()]
    .map(([status, count]) => `${status === 0 ? 'no answer' : status} x${count}`)
    .join(', ');
}

/** One request with what a person needs to look it up: its trace id, or `-` without one. */
export function notableLines(requests: readonly NotableRequest[]): string[] {
  return formatTable(
    requests.map((request) => [
      formatLatency(request.latencyMs),
      request.route,
      request.status === 0 ? `no answer (${request.failure ?? 'failed'})` : String(request.status),
      `at ${formatSeconds(request.atMs)}`,
      `trace ${request.traceId ?? '-'}`,
    ]),
    'rllrl',
  ).map((line) => `  ${line}`);
}
