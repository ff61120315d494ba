import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isProcessAlive } from '@kinema/dev-infra';
import { eventually } from './support/eventually';

const CLI = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/cli.js');

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const PORT_VARIABLES = [
  'GATEWAY_PORT',
  'GATEWAY_OPS_PORT',
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
  'OTLP_PORT',
];

/** Every port 0, as a user may ask: each process binds one the OS picks and reports it. */
function anyPorts(): Record<string, string> {
  return Object.fromEntries(PORT_VARIABLES.map((name) => [name, '0']));
}

/** Every launcher started: one a failed expectation left running is killed after its test. */
const launches: ChildProcess[] = [];

function launch(env: Record<string, string>, dataDir: string): Launch {
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir], {
    // A process group of its own, as a terminal gives a foreground job: Ctrl-C goes to the group.
    detached: true,
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
  launches.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** How long a first start may take (it draws the demo artwork): generous, for a busy machine. */
const FIRST_START_MS = 150_000;
// A test that waits for a start then stops it: longer than the suite's default.
jest.setTimeout(FIRST_START_MS + 60_000);

/** Starts the launcher and waits for its banner. */
async function launched(env: Record<string, string>, dataDir: string): Promise<Launch> {
  const run = launch(env, dataDir);
  await eventually(
    async () => expect(run.output()).toContain('Kinema is running'),
    FIRST_START_MS,
    200,
  );
  return run;
}

/**
 * What a terminal does on Ctrl-C: SIGINT to every process of the foreground group. Resolves with
 * the launcher's exit code, bounded here rather than by the test's timeout: a launcher still
 * waiting would keep Jest running.
 */
async function ctrlC(run: Launch): Promise<number | null | 'still running'> {
  process.kill(-(run.child.pid ?? 0), 'SIGINT');
  let bound: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    run.exited,
    new Promise<'still running'>((done) => (bound = setTimeout(done, 60_000, 'still running'))),
  ]).finally(() => clearTimeout(bound));
  if (code === 'still running') process.kill(-(run.child.pid ?? 0), 'SIGKILL');
  return code;
}

/** The web app's address, as the banner's Web line gives it. */
function webAddress(output: string): string | undefined {
  return /Web: +(http:\/\/\S+?)\/? /.exec(output)?.[1];
}

function childPids(output: string): number[] {
  return [...output.matchAll(/ pid (\d+) /g)].map((m) => Number(m[1]));
}

/** The processes below `root`, children and theirs: `ps`, which Linux and macOS both have. */
function descendants(root: number): number[] {
  const parents = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const below: number[] = [];
  for (let found = [root]; found.length > 0;) {
    found = parents.filter(([, ppid]) => found.includes(ppid)).map(([pid]) => pid);
    below.push(...found);
  }
  return below;
}

describe('npm start (the launcher command line)', () => {
  // One data directory for the file: the first start initialises it, later ones start warm, as a
  // user's every start after the first does (a first start costs an initdb, a seed and artwork).
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'kinema-launcher-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  afterEach(() => {
    for (const child of launches.splice(0))
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-(child.pid ?? 0), 'SIGKILL');
  });

  it('starts every process, prints the URLs, and leaves nothing running after Ctrl-C, even once the gateway crashed and came back', async () => {
    // The demo's clips and artwork too: their resizing must be over by the banner.
    const run = await launched({ ...anyPorts(), DEMO_VIDEOS: '1' }, dataDir);
    // Nothing the user did not ask for still runs at the banner: below the launcher run the
    // processes it lists, not the artwork image process that resized the demo's artwork.
    const listed = childPids(run.output());
    expect(descendants(run.child.pid ?? 0).filter((pid) => !listed.includes(pid))).toEqual([]);
    expect(run.output()).toMatch(/Artwork: +[1-9]\d* titles of the home page given/);
    expect(run.output()).toMatch(/API: +http:\/\/localhost:\d+\/api\/v1\/titles/);
    expect(run.output()).toMatch(/Admin: +admin@kinema\.local \/ \S+/);
    expect(run.output()).toMatch(
      /Traces: +npm run kinema -- trace last +\(collected at http:\/\/127\.0\.0\.1:\d+\)/,
    );
    const pids = childPids(run.output());
    expect(pids.length).toBeGreaterThanOrEqual(4);

    // The gateway crashes after the launcher has handed it a connection on the public port, and
    // comes back: Ctrl-C once waited forever after that (Node's server never reported closed).
    const web = webAddress(run.output());
    expect((await fetch(`${web}/api/v1/titles?limit=1`)).status).toBe(200);
    process.kill(Number(/ gateway +pid (\d+) /.exec(run.output())?.[1]), 'SIGKILL');
    await eventually(
      async () => expect(run.output()).toMatch(/crashed +gateway[^]*ready +gateway/),
      60_000,
      100,
    );
    const running = descendants(run.child.pid ?? 0);

    expect(await ctrlC(run)).toBe(0);
    expect([...pids, ...running].filter(isProcessAlive)).toEqual([]);
    const output = run.output();
    expect(output).not.toContain('unexpectedly');
    expect(output).not.toContain('second signal');
    expect(output.trimEnd().endsWith('Everything stopped.')).toBe(true);
    // Edge first, services next, stand-ins last.
    const stoppedAt = (name: string) => output.search(new RegExp(`stopped +${name} `));
    for (const name of ['gateway', 'catalog', 'users', 'videos', 'stand-ins', 'pglite']) {
      expect(stoppedAt(name)).toBeGreaterThan(-1);
    }
    for (const service of ['catalog', 'users', 'videos']) {
      expect(stoppedAt('gateway')).toBeLessThan(stoppedAt(service));
      for (const standIn of ['stand-ins', 'pglite']) {
        expect(stoppedAt(service)).toBeLessThan(stoppedAt(standIn));
      }
    }
  });

  it('leaves no orphans even when the launcher itself is killed', async () => {
    const run = await launched(anyPorts(), dataDir);
    const pids = childPids(run.output());
    run.child.kill('SIGKILL');
    await run.exited;
    // Each child sees its IPC channel close and shuts down gracefully.
    await eventually(async () => expect(pids.filter(isProcessAlive)).toEqual([]), 20_000, 100);
  });

  /**
   * Starts with GATEWAY_PORT set to a port another server holds on `host`; resolves with that
   * port and the launcher's output once it has exited, having started nothing (exit 1).
   */
  async function startOnPortTakenAt(host: string): Promise<{ taken: number; output: string }> {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, host, done));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const run = launch({ ...anyPorts(), GATEWAY_PORT: String(taken) }, dataDir);
      expect(await run.exited).toBe(1);
      expect(childPids(run.output())).toEqual([]);
      return { taken, output: run.output() };
    } finally {
      blocker.close();
    }
  }

  it('fails fast on a taken port, naming the port and the variable that changes it', async () => {
    const { taken, output } = await startOnPortTakenAt('127.0.0.1');
    expect(output).toContain(`port ${taken} (gateway HTTP) is already in use`);
    expect(output).toContain('GATEWAY_PORT=');
  });

  it('fails fast when the gateway port is taken on IPv6 loopback only, where a browser may go first for localhost', async () => {
    const { taken, output } = await startOnPortTakenAt('::1');
    expect(output).toContain(`port ${taken} (gateway HTTP) is already in use on ::1`);
  });

  it(
    'once the admin password was changed, on the Account page say, the next start neither shows nor signs in with the old one',
    async () => {
      const first = await launched(anyPorts(), dataDir);
      const api = `${webAddress(first.output()) ?? ''}/api/v1`;
      const json = { 'content-type': 'application/json' };
      const signIn = await fetch(`${api}/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'admin@kinema.local', password: 'kinema-dev-admin' }),
      });
      const { tokens } = (await signIn.json()) as { tokens: { accessToken: string } };
      const change = await fetch(`${api}/me/password`, {
        method: 'PUT',
        headers: { ...json, authorization: `Bearer ${tokens.accessToken}` },
        body: JSON.stringify({
          currentPassword: 'kinema-dev-admin',
          newPassword: 'the-admins-own',
        }),
      });
      expect(change.status).toBe(200);
      expect(await ctrlC(first)).toBe(0);

      const second = await launched(anyPorts(), dataDir);
      expect(second.output()).toMatch(
        /Admin: +admin@kinema\.local, whose password is no longer kinema-dev-admin/,
      );
      expect(second.output()).not.toContain('/ kinema-dev-admin');
      expect(await ctrlC(second)).toBe(0);
    },
    2 * FIRST_START_MS,
  );
});
