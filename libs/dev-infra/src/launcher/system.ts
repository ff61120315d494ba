import { mkdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { buildPlan, type Plan, type PortSetting } from './plan';
import { freePort, isPortFree } from './ports';
import { Supervisor, type LogSink, type ProcessSpec } from './supervisor';

export interface SystemOptions {
  dataDir: string;
  /** Delete the data directory first: a fresh catalog and empty stand-ins. */
  reset?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Ignore the default ports and take free ones (tests run beside a developer's `npm start`). */
  ephemeralPorts?: boolean;
  demoTitles?: number;
  logLevel?: string;
  sink: LogSink;
  onUnexpectedExit?: (name: string, code: number | string) => void;
  /** Supply one to be able to stop everything while start-up is still under way (Ctrl-C). */
  supervisor?: Supervisor;
}

export interface RunningSystem {
  plan: Plan;
  supervisor: Supervisor;
  gatewayUrl: string;
  /** Stops the edge, then the services, then the stand-ins. */
  stop(): Promise<void>;
  /** Starts a stopped or killed process of the plan again and waits until it is ready. */
  restart(name: string): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(readonly setting: PortSetting) {
    super(
      `port ${setting.port} (${setting.purpose}) is already in use. ` +
        `Stop whatever listens there, or choose another port: ${setting.variable}=<port> npm start`,
    );
    this.name = 'PortInUseError';
  }
}

async function ensureDatabases(urls: string[]): Promise<void> {
  for (const url of urls) {
    const target = new URL(url);
    const name = target.pathname.slice(1);
    const server = new URL(url);
    server.pathname = '/postgres';
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

/** Brings up the whole system as separate processes on loopback, stand-ins first. */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const env = options.env ?? process.env;
  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });

  const plan = await buildPlan({
    env,
    dataDir: options.dataDir,
    demoTitles: options.demoTitles ?? 500,
    logLevel: options.logLevel ?? 'info',
    port: async (variable, purpose, fallback) => {
      const configured = env[variable] ? Number(env[variable]) : fallback;
      if (!Number.isInteger(configured) || configured < 0 || configured > 65535) {
        throw new Error(
          `${variable} must be a port number from 0 to 65535, got ${JSON.stringify(env[variable])}`,
        );
      }
      const port = options.ephemeralPorts || configured === 0 ? await freePort() : configured;
      const setting = { variable, purpose, port };
      if (!(await isPortFree('127.0.0.1', port))) throw new PortInUseError(setting);
      return setting;
    },
  });
  await ensureDatabases(plan.externalDatabases);

  const supervisor = options.supervisor ?? new Supervisor(options.sink, options.onUnexpectedExit);
  const specs = new Map<string, ProcessSpec>(
    [...plan.infrastructure, ...plan.services, ...plan.edge].map((spec) => [spec.name, spec]),
  );
  const levels = [plan.infrastructure, plan.services, plan.edge];
  const stop = async () => {
    for (const level of [...levels].reverse()) {
      await Promise.all(level.map((spec) => supervisor.stop(spec.name)));
    }
  };
  try {
    for (const level of levels) await Promise.all(level.map((spec) => supervisor.start(spec)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    plan,
    supervisor,
    gatewayUrl: plan.gatewayUrl,
    stop,
    restart: async (name) => {
      const spec = specs.get(name);
      if (!spec) throw new Error(`no process named ${name}`);
      await supervisor.stop(name);
      await supervisor.start(spec);
    },
  };
}
