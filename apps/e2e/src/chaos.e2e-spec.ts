import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  controlSocketPath,
  ONE_EACH,
  serveControlSocket,
  type FleetEvent,
  type ManagedProcess,
} from '@kinema/dev-infra';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';

const KINEMA = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/kinema.js');
const run = promisify(execFile);

/** A `kinema chaos` command running, as a learner's second terminal shows it. */
interface ChaosRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** The kernel's view of a process: R, S, T (stopped by a signal), ... */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
}

// One system for every scenario, each undone before the next starts. Two catalog replicas, so
// a hung or crashed one has a sibling; users has one, so users-down and a hung users show what
// a lone replica costs.
/** Whether a TCP connection to `host:port` is accepted. */
function accepts(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((done) => {
    const socket = connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

describe('kinema chaos: faults a learner switches on, watches, and sees undone', () => {
  let system: TestSystem;
  let control: Server;
  let dataDir: string;
  const events: FleetEvent[] = [];
  const listeners = new Set<(event: FleetEvent) => void>();

  const kinema = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [
        KINEMA,
        ...args,
        '--data-dir',
        dataDir,
      ]);
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  };

  const chaos = (...args: string[]): ChaosRun => {
    const child = spawn(process.execPath, [KINEMA, 'chaos', ...args, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    return { child, output: () => output, exited };
  };

  /** Resolves once the command has said what to watch: the fault is on and has been probed. */
  const watching = (chaosRun: ChaosRun) =>
    eventually(async () => expect(chaosRun.output()).toContain('It ends by itself at'), 60_000);

  /**
   * The command's exit code, or, if it has not ended within `ms`, what each service's readiness
   * says of Kafka: a recovery that hangs fails naming who is behind, not as the test's timeout.
   */
  const endOrState = async (chaosRun: ChaosRun, ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      chaosRun.exited,
      new Promise<'not ended'>((done) => (timer = setTimeout(() => done('not ended'), ms))),
    ]);
    clearTimeout(timer);
    if (exit !== 'not ended') return { exit };
    const messaging = await Promise.all(
      ['catalog', 'users', 'videos'].map(async (name) => [
        name,
        (await readyz(name)).lifecycle['messaging'],
      ]),
    );
    chaosRun.child.kill('SIGKILL');
    return { exit, output: chaosRun.output(), messaging: Object.fromEntries(messaging) };
  };

  const running = (name: string): ManagedProcess => {
    const found = system.supervisor.get(name);
    if (!found) throw new Error(`${name} is not running`);
    return found;
  };

  /** A process's /readyz answer: its status and the details a learner reads. */
  const readyz = async (name: string) => {
    const found = running(name);
    const url =
      found.listeners.grpc !== undefined
        ? `http://127.0.0.1:${found.listeners.ops}/readyz`
        : `${system.gatewayUrl}/readyz`;
    const answer = await request<{ details: { lifecycle: Record<string, unknown> } }>(url, '');
    return { status: answer.status, lifecycle: answer.body.details.lifecycle };
  };

  const signIn = () =>
    request(system.gatewayUrl, '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(system.plan.admin),
    });

  /** A catalog page no cache holds, so it reaches a catalog replica. */
  let page = 0;
  const uncachedRead = () => {
    page += 1;
    return request(system.gatewayUrl, `/api/v1/titles?limit=${page}&yearFrom=${1900 + page}`);
  };

  /** What every scenario prints while it lasts: a probe, its trace, the metric, the web user. */
  const expectWhatToWatch = (output: string, probe: RegExp, metric: string) => {
    expect(output).toContain('WHAT TO WATCH');
    expect(output).toMatch(probe);
    expect(output).toMatch(
      /Trace: {5}(npm run kinema -- trace [0-9a-f]{32}|this answer carried no x-trace-id header)/,
    );
    const metricLine = output.split('\n').find((line) => line.startsWith('  Metric:'));
    expect(metricLine).toContain(metric);
    expect(metricLine).toMatch(/http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(output).toMatch(/Web user: {2}\S/);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kinema-chaos-'));
    system = await startTestSystem(
      30,
      // The probes and this file sign the admin in more often than the default limits allow.
      {
        RATE_LIMIT_REQUESTS: '1000000',
        RATE_LIMIT_AUTH_PER_IP: '10000',
        RATE_LIMIT_AUTH_PER_EMAIL: '10000',
        RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: '10000',
      },
      {
        scale: { ...ONE_EACH, catalog: 2 },
        onEvent: (event) => {
          events.push(event);
          for (const listener of listeners) listener(event);
        },
        dataDir,
      },
    );
    control = await serveControlSocket(controlSocketPath(dataDir), system, (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    });
  });

  afterAll(async () => {
    control?.close();
    await system?.dispose();
  });

  it('lists the scenarios, one line each', async () => {
    const { code, output } = await kinema('chaos', 'list');
    expect(code).toBe(0);
    for (const scenario of [
      'broker-down',
      'slow-database',
      'slow-network',
      'hung-replica',
      'crashed-replica',
      'users-down',
    ]) {
      expect(output).toMatch(new RegExp(`^ {2}${scenario} +\\S`, 'm'));
    }
  });

  it.each([
    [['slow-database', '--service', 'billing', '--latency', '300ms'], '--service must be one of'],
    [['slow-network', '--service', 'catalog', '--latency', '60s'], '--latency must be a duration'],
    [['users-down', '--for', 'ever'], '--for must be a duration'],
    [['net-split'], 'no scenario "net-split"'],
  ])('refuses %j with a clear message and exit code 2, changing nothing', async (args, message) => {
    const { code, output } = await kinema('chaos', ...args);
    expect(code).toBe(2);
    expect(output).toContain(message);
    expect((await readyz('gateway')).lifecycle['faults']).toEqual({});
    expect(system.supervisor.get('users')).toBeDefined();
  });

  it('slow-network: the gateway delays what catalog answers until Ctrl-C, then serves at full speed', async () => {
    const slow = chaos('slow-network', '--service', 'catalog', '--latency', '200ms', '--for', '5m');
    await watching(slow);
    expect(slow.output()).toMatch(
      /gateway \(pid \d+\): every call it makes to catalog answers 200ms late/,
    );
    expectWhatToWatch(
      slow.output(),
      /Probe: {5}GET \/api\/v1\/titles\?\S+ -> 200 in \d+ ms/,
      'http_server_request_duration_seconds',
    );
    expect((await readyz('gateway')).lifecycle['faults']).toEqual({
      callLatencyMs: { catalog: 200 },
    });
    expect((await uncachedRead()).status).toBe(200);

    slow.child.kill('SIGINT');
    expect(await slow.exited).toBe(130);
    expect(slow.output()).toContain('Ended early: undoing the fault...');
    expect(slow.output()).toContain(
      'gateway: its calls to catalog answer at full speed again; ready',
    );
    expect((await readyz('gateway')).lifecycle['faults']).toEqual({});
    expect((await uncachedRead()).status).toBe(200);
  });

  it('slow-network ends by itself after --for', async () => {
    const slow = chaos('slow-network', '--service', 'users', '--latency', '50ms', '--for', '1s');
    expect(await slow.exited).toBe(0);
    expect(slow.output()).toContain('Time is up (1s): undoing the fault...');
    expect(slow.output()).toMatch(/Probe: {5}POST \/api\/v1\/auth\/login -> 200/);
    expect((await readyz('gateway')).lifecycle['faults']).toEqual({});
    expect((await signIn()).status).toBe(200);
  });

  it('slow-database: every catalog replica delays its database, and a killed command still undoes it', async () => {
    const slow = chaos(
      'slow-database',
      '--service',
      'catalog',
      '--latency',
      '300ms',
      '--for',
      '5m',
    );
    await watching(slow);
    expect(slow.output()).toMatch(
      /catalog \(pid \d+\): every round trip to its database answers 300ms late/,
    );
    expect(slow.output()).toMatch(/catalog-2 \(pid \d+\): every round trip/);
    expectWhatToWatch(
      slow.output(),
      /Probe: {5}GET \/api\/v1\/titles\?\S+ -> 200 in \d+ ms/,
      'grpc_server_handling_seconds',
    );
    for (const name of ['catalog', 'catalog-2']) {
      expect((await readyz(name)).lifecycle['faults']).toEqual({ databaseLatencyMs: 300 });
    }

    slow.child.kill('SIGKILL');
    await slow.exited;
    await eventually(async () => {
      for (const name of ['catalog', 'catalog-2']) {
        const answer = await readyz(name);
        expect(answer.lifecycle['faults']).toEqual({});
        expect(answer.status).toBe(200);
      }
    }, 60_000);
    expect((await uncachedRead()).status).toBe(200);
  });

  it('hung-replica: one catalog replica is frozen, the other keeps answering, and Ctrl-C thaws it', async () => {
    const victim = running('catalog-2');
    const hung = chaos('hung-replica', '--service', 'catalog', '--for', '5m');
    await watching(hung);
    expect(hung.output()).toContain(`froze catalog-2 (pid ${victim.pid}, SIGSTOP)`);
    expect(hung.output()).toContain('the gateway routes around the hung one');
    expectWhatToWatch(hung.output(), /Probe: {5}GET \/api\/v1\/titles\?\S+ -> (200|504) in/, '504');
    // SIGSTOP takes effect when the kernel next schedules the process: shortly, not at once.
    await eventually(async () => expect(processState(victim.pid)).toBe('T'));

    hung.child.kill('SIGINT');
    expect(await hung.exited).toBe(130);
    expect(hung.output()).toContain('catalog-2 thawed (SIGCONT) and ready again');
    expect(processState(victim.pid)).not.toBe('T');
    expect((await readyz('catalog-2')).status).toBe(200);
    expect(running('catalog-2').pid).toBe(victim.pid);
    expect((await uncachedRead()).status).toBe(200);
  });

  it('hung-replica of a lone replica: its calls fail (503, or 504 at their deadline), and it suggests scaling first', async () => {
    const victim = running('users');
    const hung = chaos('hung-replica', '--service', 'users', '--for', '1s');
    expect(await hung.exited).toBe(0);
    expect(hung.output()).toContain(
      'users has one replica: all the calls sent to it fail: 503 once the gateway drops its silent connection (within about 2 s), or 504 at their deadline (GRPC_DEADLINE_MS, 5 s), ' +
        'until the launcher, as the kubelet would, kills it and starts it again once its liveness probe fails (3 probes 10 s apart, within 32 s)',
    );
    expect(hung.output()).toContain(`npm run kinema -- scale users=3 --data-dir ${dataDir}`);
    expect(hung.output()).toMatch(
      /Probe: {5}POST \/api\/v1\/auth\/login -> 50[34] in \d+ ms, Retry-After/,
    );
    expect(hung.output()).toContain('users thawed (SIGCONT) and ready again');
    expect(processState(victim.pid)).not.toBe('T');
    expect((await signIn()).status).toBe(200);
  });

  it('crashed-replica: a catalog replica is killed and the launcher brings it back with a new pid', async () => {
    const victim = running('catalog-2');
    const crashed = chaos('crashed-replica', '--service', 'catalog', '--for', '1s');
    expect(await crashed.exited).toBe(0);
    expect(crashed.output()).toContain(`killing catalog-2 (pid ${victim.pid}) with SIGKILL`);
    expectWhatToWatch(
      crashed.output(),
      /Probe: {5}GET \/api\/v1\/titles\?\S+ -> 200 in/,
      'process_start_time_seconds',
    );
    const back = running('catalog-2');
    expect(back.pid).not.toBe(victim.pid);
    expect(crashed.output()).toContain(`catalog-2 is back: pid ${back.pid} (was ${victim.pid})`);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'crashed', name: 'catalog-2', code: 'SIGKILL' }),
    );
    expect((await readyz('catalog-2')).status).toBe(200);
    expect((await uncachedRead()).status).toBe(200);
  });

  it('users-down: sign-in answers 503 with Retry-After while catalog pages still load, then users is back', async () => {
    const down = chaos('users-down', '--for', '5m');
    await watching(down);
    expectWhatToWatch(
      down.output(),
      /Probe: {5}POST \/api\/v1\/auth\/login -> 503 in \d+ ms, Retry-After: \d+/,
      'status_code="503"',
    );
    expect(system.supervisor.get('users')).toBeUndefined();
    const refused = await signIn();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await request(system.gatewayUrl, '/api/v1/titles?limit=5')).status).toBe(200);

    down.child.kill('SIGINT');
    expect(await down.exited).toBe(130);
    expect(down.output()).toContain(
      'users is back (users ready); requests through the gateway reach users again',
    );
    expect((await signIn()).status).toBe(200);
  });

  it('broker-down: Kafka stops, a write still succeeds and readiness says Kafka is unreachable; then it returns', async () => {
    const down = chaos('broker-down', '--for', '5m');
    await watching(down);
    expectWhatToWatch(
      down.output(),
      /Probe: {5}PUT \/api\/v1\/me\/profiles\/\S+\/progress\/\S+ -> 200 in/,
      'outbox_pending_events',
    );
    expect(await accepts(system.kafkaBrokers)).toBe(false);
    // The probe's progress event waits in the users outbox, whose relay finds no broker.
    await eventually(async () =>
      expect((await readyz('users')).lifecycle['messaging']).toMatchObject({
        kafka: 'unreachable',
      }),
    );
    // Held on purpose: not restarted, not restartable, until the scenario ends.
    const restart = await kinema('restart', 'kafka');
    expect(restart.code).toBe(1);
    expect(restart.output).toContain('kafka is stopped on purpose by `kinema chaos`');
    const another = await kinema('chaos', 'users-down', '--for', '1s');
    expect(another.code).toBe(1);
    expect(another.output).toMatch(
      /broker-down is on until \d\d:\d\d:\d\d; one scenario at a time/,
    );

    down.child.kill('SIGINT');
    expect(await endOrState(down, 60_000)).toEqual({ exit: 130 });
    expect(down.output()).toContain('kafka is back: every service reaches it again');
    expect(await accepts(system.kafkaBrokers)).toBe(true);
    expect((await readyz('users')).lifecycle['messaging']).toMatchObject({ kafka: 'reachable' });
  });

  it.each(['catalog', 'gateway'])(
    'a %s started with NODE_ENV=production refuses FAULT_INJECTION at boot, naming it (exit 78)',
    async (app) => {
      const main = resolve(__dirname, `../../../apps/${app}/dist/main.js`);
      const failed = await run(process.execPath, [main], {
        env: { ...process.env, NODE_ENV: 'production', FAULT_INJECTION: 'true' },
      }).catch((error: unknown) => error as { code: number; stderr: string });
      expect(failed).toMatchObject({ code: 78 });
      expect((failed as { stderr: string }).stderr).toContain(
        'FAULT_INJECTION: development only, refused when NODE_ENV=production (got "true")',
      );
    },
  );
});
