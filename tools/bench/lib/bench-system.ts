import { S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  externalDatabaseUrl,
  PGLITE_PROCESS,
  startSystem,
  type ManagedProcess,
  type RunningSystem,
} from '@kinema/dev-infra';
import { DEFAULT_TRACE_SAMPLE_RATIO } from '@kinema/platform/telemetry';
import { Client } from 'pg';
import { load, type LoadResult } from './load';

/** The bench's databases on a PostgreSQL server: kinema_bench_catalog, _users, _videos. */
const BENCH_DATABASE_PREFIX = 'kinema_bench';

/**
 * Drops what an earlier run left on the server (DATABASE_URL): a run there starts from empty
 * databases, as one on PGlite starts from a fresh data directory. Kept, an earlier run's playable
 * titles (its uploaded clips are gone with its S3 data) gave a later run's /browse rows it did not
 * upload, and the figure measured a different page.
 */
async function dropBenchDatabases(serverUrl: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [`${BENCH_DATABASE_PREFIX}_`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** A gateway with its catalog cache off (a TTL of 0): every read reaches the catalog. */
export const GATEWAY_UNCACHED: Readonly<Record<string, string>> = { CATALOG_CACHE_TTL_MS: '0' };

/** The SDK's own export delay: the launcher shortens it for `kinema trace`, the chart does not. */
export const SDK_EXPORT_DELAY = { OTEL_BSP_SCHEDULE_DELAY: '5000' };

/**
 * The sampler the services run with outside `npm start` (the chart's, and the platform's default
 * when OTEL_TRACES_SAMPLER is unset): parent-based, `ratio` of new traces, the SDK's own export
 * delay. `npm start`'s launcher keeps every trace instead (parentbased_always_on, exported within a
 * second) so that `kinema trace` finds any request, which costs a cached read about a fifth of its
 * throughput (docs/performance.md, tracing).
 */
export function deployedTracing(ratio = DEFAULT_TRACE_SAMPLE_RATIO): Record<string, string> {
  return {
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(ratio),
    ...SDK_EXPORT_DELAY,
  };
}

/**
 * The log level the chart deploys every service with (helm/kinema/values.yaml): one line per
 * request. The benches run with `warn` unless told (LOG_LEVEL, or `logLevel`), as `npm start`
 * shows a terminal.
 */
export const DEPLOYED_LOG_LEVEL = 'info';

/**
 * What startBenchSystem takes to run the services as deployed: the chart's sampler, or every trace
 * kept as `npm start` keeps them (`everyTrace`), and LOG_LEVEL's level, else the chart's; `traces`
 * says which sampler, for the bench's heading.
 */
export function asDeployed(everyTrace = false): {
  env: Record<string, string>;
  logLevel: string;
  traces: string;
} {
  return {
    env: everyTrace ? {} : deployedTracing(),
    logLevel: process.env['LOG_LEVEL'] ?? DEPLOYED_LOG_LEVEL,
    traces: everyTrace ? 'every one kept' : 'sampled as deployed',
  };
}

/**
 * The system as `npm start` runs it (500 demo titles unless told), on ports the OS picks, in a fresh data
 * directory, with the per-client limits one load generator would hit lifted. On a server
 * (DATABASE_URL) its databases are kinema_bench_*, apart from the tests', and in a shared Redis
 * (REDIS_URL) its keys have a prefix of their own. `stop` removes the data.
 */
export async function startBenchSystem(
  options: {
    demoTitles?: number;
    /** The embedded Kafka, S3 and PGlite even when the environment names real servers. */
    standIns?: boolean;
    /** Environment of every process on top of the bench's own (e.g. deployedTracing()). */
    env?: Record<string, string>;
    /** Every process's LOG_LEVEL: LOG_LEVEL's, else `warn`. */
    logLevel?: string;
  } = {},
): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-'));
  const serverUrl = process.env['DATABASE_URL'];
  if (serverUrl && !options.standIns) await dropBenchDatabases(serverUrl);
  const system = await startSystem({
    dataDir,
    ephemeralPorts: true,
    demoTitles: options.demoTitles ?? 500,
    logLevel: options.logLevel ?? process.env['LOG_LEVEL'] ?? 'warn',
    env: {
      ...process.env,
      ...(options.standIns ? { KAFKA_BROKERS: '', S3_ENDPOINT: '', DATABASE_URL: '' } : {}),
      DATABASE_NAME_PREFIX: BENCH_DATABASE_PREFIX,
      RATE_LIMIT_AUTH_PER_IP: '1000000',
      RATE_LIMIT_AUTH_PER_EMAIL: '1000000',
      RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: '1000000',
      RATE_LIMIT_REQUESTS: '10000000',
      // Keys of this run's own in a shared Redis (REDIS_URL).
      RATE_LIMIT_REDIS_PREFIX: `kinema:bench:${randomUUID()}:throttle:`,
      CATALOG_CACHE_REDIS_PREFIX: `kinema:bench:${randomUUID()}:catalog-cache:`,
      IDEMPOTENCY_REDIS_PREFIX: `kinema:bench:${randomUUID()}:idempotency:`,
      ...options.env,
    },
    sink: () => undefined,
    // Unread: deployed, a container runtime reads the lines, not the load generator's process.
    discardStdout: true,
  });
  return {
    ...system,
    stop: async () => {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another gateway on the system's services, on a port the OS picks: `env` on top of what the plan
 * sets, and `args`, when given, rewrites its node arguments (other V8 flags, another build).
 */
export async function startSecondGateway(
  system: RunningSystem,
  name: string,
  options: { env?: Record<string, string>; args?: (args: string[]) => string[] } = {},
): Promise<ManagedProcess> {
  const gateway = system.plan.stages.flat().find((spec) => spec.name === 'gateway');
  if (!gateway) throw new Error('no gateway in the plan');
  const { args: rewrite } = options;
  return system.supervisor.start(
    {
      ...gateway,
      name,
      ports: { http: 0 },
      ...(rewrite
        ? {
            launch: (context) => {
              const launch = gateway.launch(context);
              return { ...launch, args: rewrite(launch.args) };
            },
          }
        : {}),
    },
    options.env ?? {},
  );
}

/** A service's bench database on the PostgreSQL server named by DATABASE_URL (serverUrl). */
export function benchDatabaseUrl(serverUrl: string, service: string): string {
  return externalDatabaseUrl(serverUrl, BENCH_DATABASE_PREFIX, service);
}

/** Resident memory of a process, in bytes (Linux). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** CPU time (user + system) a process has used, in milliseconds (Linux; 0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

// USER_HZ: 100 on every Linux this runs on (what getconf CLK_TCK answers).
const CLOCK_TICKS_PER_SECOND = 100;

/** One load run (load()), and the CPU the process `pid` spent on each request it answered, in ms. */
export async function loadWithCpu(
  pid: number,
  ...run: Parameters<typeof load>
): Promise<{ result: LoadResult; cpuMsPerRequest: number }> {
  const before = cpuMs(pid);
  const result = await load(...run);
  return { result, cpuMsPerRequest: (cpuMs(pid) - before) / Math.max(1, result.requests) };
}

/**
 * CPU time each process of a service's database has used, in milliseconds: the PGlite process
 * (which serves the other services' databases too, idle while one service is measured), or
 * on a PostgreSQL server (local to the bench) the backends connected to its database. Compare two
 * readings pid by pid: a backend that exits between them is then left out of both.
 */
export function databaseCpuByPid(system: RunningSystem, service: string): Map<number, number> {
  const pglite = system.supervisor.get(PGLITE_PROCESS)?.pid;
  if (pglite !== undefined) return new Map([[pglite, cpuMs(pglite)]]);
  const database = `${BENCH_DATABASE_PREFIX}_${service}`;
  const used = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (command.startsWith('postgres: ') && command.split(' ').includes(database))
        used.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      // The process ended while the list was read.
    }
  }
  return used;
}

/** Resident memory of a process, in MiB (Linux). */
export function rssMiB(pid: number): number {
  return Math.round(rssBytes(pid) / 1024 / 1024);
}

/**
 * Anonymous resident memory of a process (heaps, stacks), in MiB: RSS less the mapped files, of
 * which the node binary's pages (about 60 MiB) are one copy shared by every process on the host.
 */
export function anonMiB(pid: number): number {
  return smapsRollupMiB(pid, 'Anonymous');
}

/**
 * Proportional resident memory of a process (PSS), in MiB: its own pages plus its share of each
 * page it shares (the node binary's, libraries', a page cache file's), so that the PSS of a group
 * of processes adds up to what the machine holds for them, where their RSS counts every shared
 * page once per process.
 */
export function pssMiB(pid: number): number {
  return smapsRollupMiB(pid, 'Pss');
}

function smapsRollupMiB(pid: number, field: 'Anonymous' | 'Pss'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'),
  );
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

/** A client of the system's embedded S3 server, with the development credentials. */
export function benchS3Client(system: RunningSystem): S3Client {
  return new S3Client({
    endpoint: system.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'kinema-dev', secretAccessKey: 'kinema-dev-secret' },
  });
}

/**
 * Registers a viewer (new credentials unless given) and answers the headers the web app sends
 * with every read: its bearer token and its profile (X-Profile-Id).
 */
export async function registerViewer(
  gatewayUrl: string,
  credentials = { email: `bench-${randomUUID()}@example.com`, password: 'bench-password' },
): Promise<Record<string, string>> {
  const response = await fetch(`${gatewayUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw new Error(`registering a viewer: ${response.status}`);
  const body = (await response.json()) as {
    tokens: { accessToken: string };
    profile: { id: string };
  };
  return { authorization: `Bearer ${body.tokens.accessToken}`, 'x-profile-id': body.profile.id };
}
