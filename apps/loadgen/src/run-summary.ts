import type { AdminReport } from './admin-scenario';
import { AUTH_PATH } from './api-client';
import type { LoadStats, SummaryRow } from './load-stats';
import {
  formatSeconds,
  formatTable,
  notableLines,
  statusCounts,
  summaryTable,
} from './stats-table';

export interface RunFacts {
  target: string;
  elapsedMs: number;
  viewers: number;
  seed: number;
  admin?: AdminReport;
  /** Viewers that stopped before the run did, and why. */
  viewerProblems: readonly string[];
  /** Viewers whose account this run registered: each first sign-in was refused (401). */
  registeredViewers: number;
  /** Viewers that never signed in: not started yet, or waiting their turn, when the run ended. */
  viewersNotSignedIn: number;
}

/** The last line of a run, the one to read first: requests, errors, limited, rate. */
export function summaryLine(stats: LoadStats, elapsedMs: number): string {
  const { total } = stats.summary();
  const rate = elapsedMs > 0 ? total.requests / (elapsedMs / 1000) : 0;
  return (
    `${total.requests} requests, ${total.errors} errors, ${total.limited} limited in ` +
    `${formatSeconds(elapsedMs)} (${rate.toFixed(1)} requests/s)`
  );
}

/** What a run did, per route and overall, with the requests worth looking up by trace id. */
export function summaryLines(stats: LoadStats, facts: RunFacts): string[] {
  const { rows, total } = stats.summary();
  const lines = [
    `Summary: ${formatSeconds(facts.elapsedMs)} against ${facts.target}, ` +
      `${facts.viewers} viewers${facts.admin ? ' + admin' : ''}, seed ${facts.seed} ` +
      `(--seed ${facts.seed} repeats the viewers' choices)`,
    '',
    ...summaryTable(rows, total),
    '',
  ];
  const answered = rows.filter((row) => row.statuses.size > 0);
  lines.push('Answers other than 2xx and 3xx, by status:');
  if (answered.length === 0) lines.push('  none');
  else
    lines.push(
      ...formatTable(
        answered.map((row) => [row.route, statusCounts(row.statuses)]),
        'll',
      ).map((line) => `  ${line}`),
    );
  if (facts.registeredViewers > 0) {
    const n = facts.registeredViewers;
    lines.push(
      n === 1
        ? '  (1 viewer had no account yet: a sign-in answered 401, then the viewer registered; ' +
            'a later run signs in at once)'
        : `  (${n} viewers had no account yet and registered: the first after a sign-in answered ` +
            '401, those after it at once, and a 409 is a viewer that had one after all; a later ' +
            'run signs in at once)',
    );
  }
  const slowest = stats.slowestRequests();
  lines.push('', 'Slowest requests (see one with `npm run kinema -- trace <id>`):');
  lines.push(...(slowest.length > 0 ? notableLines(slowest) : ['  none']));
  const failed = stats.failedRequests();
  lines.push(
    '',
    failed.count === 0
      ? 'Failed requests (5xx or no answer): none'
      : `Failed requests (5xx or no answer): ${failed.count}; the first ${failed.first.length}:`,
  );
  if (failed.count > 0) lines.push(...notableLines(failed.first));
  if (facts.viewersNotSignedIn > 0) lines.push('', notSignedInLine(facts, rows));
  if (facts.admin) lines.push('', adminLine(facts.admin));
  for (const problem of facts.viewerProblems) lines.push(`Viewer stopped early: ${problem}`);
  lines.push('', summaryLine(stats, facts.elapsedMs));
  return lines;
}

/**
 * Viewers that did nothing: a run's viewers share one address, and the gateway lets so many
 * sign-ins a minute through from one (RATE_LIMIT_AUTH_PER_IP), so a run of many viewers, short
 * or started soon after another, ends with some still waiting their turn. The table's request
 * count is then that of fewer viewers than the heading says.
 */
function notSignedInLine(facts: RunFacts, rows: readonly SummaryRow[]): string {
  const n = facts.viewersNotSignedIn;
  const limited = rows.some(
    (row) => AUTH_PATH.test(row.route.slice(row.route.indexOf(' ') + 1)) && row.limited > 0,
  );
  return (
    `${n} of ${facts.viewers} viewers never signed in` +
    (limited
      ? ": they waited their turn behind the gateway's limit on sign-ins per address (the 429s " +
        'above), which every viewer of a run shares. Run longer, with fewer --users, or lift the ' +
        'limit of a local gateway: RATE_LIMIT_AUTH_PER_IP=1000 npm start'
      : '; they were still starting (--ramp) or signing in when the run ended')
  );
}

function adminLine(report: AdminReport): string {
  const parts = [
    `Admin: ${report.renamed} title${report.renamed === 1 ? '' : 's'} renamed, ${report.undone} renamed back`,
  ];
  if (report.repaired > 0)
    parts.push(`${report.repaired} left renamed by an earlier run given their names back`);
  for (const left of report.leftRenamed)
    parts.push(`left renamed: ${left.id} "${left.name}" (${left.reason})`);
  if (report.stoppedBecause) parts.push(`stopped early: ${report.stoppedBecause}`);
  return parts.join('; ');
}
