import { mkdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { Fleet, type FleetEvent } from './fleet';
import {
  buildPlan,
  initialisePgliteDataDirs,
  ONE_EACH,
  type Plan,
  type PortSetting,
  type Scale,
} from './plan';
import { IPV6_LOOPBACK, isPortFree } from './ports';
import { HOST, LOCALHOST_ADDRESSES, Supervisor, type LogSink } from './supervisor';
import type { TraceDestination } from './trace-destination';

export interface SystemOptions {
  dataDir: string;
  /** Delete the data directory first: a fresh catalog and empty stand-ins. */
  reset?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Ignore the configured ports and let every process bind one the OS picks (tests). */
  ephemeralPorts?: boolean;
  demoTitles?: number;
  logLevel?: string;
  /** Replicas of each service (default one each). */
  scale?: Scale;
  sink: LogSink;
  /** The processes' standard output unread (Supervisor's `stdout`); their standard error still reaches `sink`. */
  discardStdout?: boolean;
  /** What happens to the processes: ready, draining, stopped, crashed (and when they return). */
  onEvent?: (event: FleetEvent) => void;
  /** Supply one to be able to stop everything while start-up is still under way (Ctrl-C). */
  supervisor?: Supervisor;
}

export interface RunningSystem {
  plan: Plan;
  supervisor: Supervisor;
  /** Scaling, rolling restarts and crash recovery of the running processes. */
  fleet: Fleet;
  /** The gateway's base URL, e.g. http://localhost:3000. */
  gatewayUrl: string;
  /** Kafka bootstrap servers the services use (the embedded broker unless KAFKA_BROKERS is set). */
  kafkaBrokers: string;
  /** S3 endpoint the services use (the embedded server unless S3_ENDPOINT is set). */
  s3Endpoint: string;
  /**
   * Where the spans are now: the embedded receiver's URL (throws while it is not running), the
   * user's OTLP endpoint, or nowhere.
   */
  traces(): TraceDestination;
  /** Stops the edge, then the services, then the stand-ins; resolves once all have exited. */
  stop(): Promise<void>;
  /**
   * Stops one process (if running; a replica leaves the address book first) and starts it again
   * on the same ports, waiting until it is ready; `env` adds to or overrides what the plan sets.
   */
  restart(name: string, env?: Record<string, string>): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly setting: PortSetting,
    host = HOST,
  ) {
    const where =
      host === IPV6_LOOPBACK
        ? ` on ${host} (IPv6 localhost, where a browser may go first for http://localhost:${setting.port})`
        : '';
    super(
      `port ${setting.port} (${setting.purpose}) is already in use${where}. ` +
        `Stop what uses it, or choose another port: ${setting.variable}=<port> npm start`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Creates each service's database on the external server, over TLS when DATABASE_SSL_MODE says
 * so: node-postgres's libpq-compatible reading of sslmode/sslrootcert gives the services' meanings.
 */
async function ensureDatabases(urls: string[], env: NodeJS.ProcessEnv): Promise<void> {
  for (const url of urls) {
    const target = new URL(url);
    const name = target.pathname.slice(1);
    const server = new URL(url);
    server.pathname = '/postgres';
    const mode = env['DATABASE_SSL_MODE'];
    if (mode) {
      server.searchParams.set('sslmode', mode);
      server.searchParams.set('uselibpqcompat', 'true');
      if (env['DATABASE_SSL_CA_FILE'])
        server.searchParams.set('sslrootcert', env['DATABASE_SSL_CA_FILE']);
    }
    const client = new Client({ connectionString: server.toString() });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0)
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Brings up the whole system as separate processes on loopback, stage by stage: each process binds
 * its own ports (0: the OS picks) and reports them, and later stages are started with those
 * addresses, so no two processes can ever be handed the same port.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const env = options.env ?? process.env;
  const plan = buildPlan({
    env,
    dataDir: options.dataDir,
    ephemeralPorts: options.ephemeralPorts ?? false,
    demoTitles: options.demoTitles ?? 500,
    logLevel: options.logLevel ?? 'info',
    scale: options.scale ?? ONE_EACH,
  });
  for (const setting of plan.ports) {
    for (const host of setting.localhost ? LOCALHOST_ADDRESSES : [HOST]) {
      if (!(await isPortFree(host, setting.port))) throw new PortInUseError(setting, host);
    }
  }
  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  await ensureDatabases(plan.externalDatabases, env);
  await initialisePgliteDataDirs(plan.embeddedDatabases);

  const supervisor =
    options.supervisor ?? new Supervisor(options.sink, options.discardStdout ? 'ignore' : 'pipe');
  const fleet = new Fleet(plan, supervisor, options.onEvent);
  try {
    await fleet.start();
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return {
    plan,
    supervisor,
    fleet,
    gatewayUrl: `http://localhost:${fleet.gatewayPort}`,
    kafkaBrokers:
      plan.externalKafka ?? supervisor.address(plan.standInProcess.kafka ?? 'kafka', 'kafka'),
    s3Endpoint:
      plan.externalS3 ?? `http://${supervisor.address(plan.standInProcess.s3 ?? 's3', 's3')}`,
    traces: () =>
      plan.traces.kind === 'embedded'
        ? {
            kind: 'embedded',
            url: `http://${supervisor.address(plan.standInProcess.otlp ?? 'otlp', 'otlp')}`,
          }
        : plan.traces,
    stop: () => fleet.stop(),
    restart: (name, extraEnv) => fleet.restartWith(name, extraEnv),
  };
}
