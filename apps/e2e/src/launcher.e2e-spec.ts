import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@kinema/dev-infra';
import { eventually } from './support/eventually';

const CLI = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/cli.js');

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function portEnv(): Promise<Record<string, string>> {
  const names = [
    'GATEWAY_PORT',
    'CATALOG_GRPC_PORT',
    'CATALOG_OPS_PORT',
    'CATALOG_PGLITE_PORT',
    'USERS_GRPC_PORT',
    'USERS_OPS_PORT',
    'USERS_PGLITE_PORT',
    'VIDEOS_GRPC_PORT',
    'VIDEOS_OPS_PORT',
    'VIDEOS_PGLITE_PORT',
    'KAFKA_PORT',
    'S3_PORT',
  ];
  return Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, String(await freePort())])),
  );
}

function launch(env: Record<string, string>, dataDir: string): Launch {
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      KAFKA_BROKERS: '',
      S3_ENDPOINT: '',
      DEMO_TITLES: '20',
      // The clip upload is covered in videos.e2e-spec; here it would only slow start-up down.
      DEMO_VIDEOS: '0',
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

function childPids(output: string): number[] {
  return [...output.matchAll(/ pid (\d+) /g)].map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (the launcher command line)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kinema-launcher-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts every process, prints the URLs, and leaves nothing running after Ctrl-C', async () => {
    const run = launch(await portEnv(), dataDir);
    await eventually(async () => expect(run.output()).toContain('Kinema is running'), 150_000, 200);
    expect(run.output()).toMatch(/API: +http:\/\/localhost:\d+\/api\/v1\/titles/);
    expect(run.output()).toMatch(/Admin: +admin@kinema\.local \/ \S+/);
    const pids = childPids(run.output());
    expect(pids.length).toBeGreaterThanOrEqual(4);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('leaves no orphans even when the launcher itself is killed', async () => {
    const run = launch(await portEnv(), dataDir);
    await eventually(async () => expect(run.output()).toContain('Kinema is running'), 150_000, 200);
    const pids = childPids(run.output());
    run.child.kill('SIGKILL');
    await run.exited;
    // Each child sees its IPC channel close and shuts down gracefully.
    await eventually(async () => expect(pids.filter(alive)).toEqual([]), 20_000, 100);
  });

  it('fails fast on a taken port, naming the port and the variable that changes it', async () => {
    const env = await portEnv();
    const blocker: Server = createServer();
    await new Promise<void>((done) =>
      blocker.listen(Number(env['GATEWAY_PORT']), '127.0.0.1', done),
    );
    try {
      const run = launch(env, dataDir);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(
        `port ${env['GATEWAY_PORT']} (gateway HTTP) is already in use`,
      );
      expect(run.output()).toContain('GATEWAY_PORT=');
      expect(childPids(run.output())).toEqual([]);
    } finally {
      blocker.close();
    }
  });
});
