import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OPS_PATHS, OPS_ROUTES } from '@kinema/contracts/supervision';
import type { AddressBook } from './address-book';
import { readiness } from './readiness';
import { HOST, type ManagedProcess } from './supervisor';

export interface StatusRow {
  name: string;
  service: string;
  pid: number;
  /** The process's main port (gRPC for a service, HTTP for the gateway, ...). */
  port: number | null;
  /**
   * In the address book (services) or the front's rotation (gateway): getting calls or connections;
   * or up (stand-ins).
   */
  ready: boolean;
  uptimeSeconds: number;
  rssMiB: number | null;
  /** Share of one core over the process's life, as ps reports it. */
  cpuPercent: number | null;
  /**
   * gRPC calls handled (services) or HTTP requests answered (gateway), the probes and scrapes of
   * its ops paths left out; null for stand-ins.
   */
  requests: number | null;
}

const run = promisify(execFile);

/** RSS and CPU of processes from `ps` (Linux and macOS alike). */
async function usage(pids: number[]): Promise<Map<number, { rssKiB: number; cpu: number }>> {
  const result = new Map<number, { rssKiB: number; cpu: number }>();
  if (pids.length === 0) return result;
  try {
    const { stdout } = await run('ps', ['-o', 'pid=,rss=,pcpu=', '-p', pids.join(',')]);
    for (const line of stdout.split('\n')) {
      const [pid, rss, cpu] = line.trim().split(/\s+/).map(Number);
      if (pid && rss !== undefined && cpu !== undefined) result.set(pid, { rssKiB: rss, cpu });
    }
  } catch {
    // ps missing: the columns stay empty.
  }
  return result;
}

/** Sums every sample of a counter in a Prometheus text exposition, but those `skip` names. */
export function sumSamples(
  exposition: string,
  name: string,
  skip: (line: string) => boolean = () => false,
): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if ((line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && !skip(line)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
  }
  return total;
}

async function requestsServed(process: ManagedProcess): Promise<number | null> {
  const { grpc, ops, http } = process.listeners;
  const port = ops ?? http;
  if (port === undefined) return null;
  try {
    const response = await fetch(`http://${HOST}:${port}${OPS_PATHS.metrics}`, {
      signal: AbortSignal.timeout(2_000),
    });
    const text = await response.text();
    return grpc !== undefined
      ? sumSamples(text, 'grpc_server_handled_total')
      : // The launcher's readiness probes and Prometheus's scrapes are not the users' requests.
        sumSamples(text, 'http_server_request_duration_seconds_count', (line) =>
          OPS_ROUTES.has(/route="([^"]*)"/.exec(line)?.[1] ?? ''),
        );
  } catch {
    return null;
  }
}

/** One row per running process, stand-ins first, each service's replicas together. */
export async function statusRows(
  processes: ManagedProcess[],
  addressBook: AddressBook,
  rotation: readonly string[],
): Promise<StatusRow[]> {
  const byPid = await usage(processes.map((p) => p.pid));
  const now = Date.now();
  return Promise.all(
    processes.map(async (process): Promise<StatusRow> => {
      const { grpc, http, kafka, s3, postgres, otlp } = process.listeners;
      const inBook = addressBook.addresses(process.spec.service).includes(`${HOST}:${grpc ?? -1}`);
      const used = byPid.get(process.pid);
      return {
        name: process.spec.name,
        service: process.spec.service,
        pid: process.pid,
        // The PGlite process's first database (postgres-catalog) when it serves several.
        port: grpc ?? http ?? kafka ?? s3 ?? postgres ?? otlp ?? firstPort(process) ?? null,
        ready:
          grpc !== undefined
            ? inBook
            : process.spec.service === 'gateway'
              ? rotation.includes(process.spec.name)
              : // The check the launcher starts it by: a stand-in listening.
                (await readiness(process)).ready,
        uptimeSeconds: Math.round((now - process.startedAt) / 1000),
        rssMiB: used ? Math.round(used.rssKiB / 1024) : null,
        cpuPercent: used ? used.cpu : null,
        requests: await requestsServed(process),
      };
    }),
  );
}

/** The port of the process's first listener, in the order it reported them. */
function firstPort(process: ManagedProcess): number | undefined {
  return Object.values(process.listeners)[0];
}

/** The rows as a table for a terminal. */
export function formatStatus(rows: StatusRow[]): string {
  const header = ['replica', 'pid', 'port', 'ready', 'uptime', 'RSS', 'CPU', 'requests'];
  const cells = rows.map((row) => [
    row.name,
    String(row.pid),
    row.port === null ? '-' : String(row.port),
    row.ready ? 'yes' : 'no',
    duration(row.uptimeSeconds),
    row.rssMiB === null ? '-' : `${row.rssMiB} MiB`,
    row.cpuPercent === null ? '-' : `${row.cpuPercent.toFixed(1)}%`,
    row.requests === null ? '-' : String(row.requests),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((cell) => (cell[i] ?? '').length)),
  );
  return [header, ...cells]
    .map((cell) =>
      cell
        .map((text, i) => text.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
