import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { waitFor } from '../testing/wait-for';
import { Fleet, type FleetEvent } from './fleet';
import type { Plan } from './plan';
import type { ProbeSettings } from './probe-watch';
import { Supervisor, type ProcessSpec } from './supervisor';

// A process as small as the launcher can supervise: it leaves with code 0 on SIGTERM, as the
// services do (its handler in place before it reports), reports its (no) ports, then idles.
const IDLE = `
process.on('SIGTERM', () => process.exit(0));
process.send({ type: 'kinema.listening', listeners: {} });
setInterval(() => undefined, 1000);
`;

function idleSpec(name: string): ProcessSpec {
  return {
    name,
    service: name,
    command: process.execPath,
    ports: {},
    launch: () => ({ args: ['-e', IDLE], env: {} }),
    ready: { kind: 'listening' },
    readyTimeoutMs: 30_000,
    summary: () => name,
  };
}

// A process of two stand-ins in miniature: its `kafka` listener closes and opens again on the same
// port when the supervisor asks (kinema.switch-listener), as the stand-ins process's broker does.
const SWITCHING = `
const net = require('node:net');
let server;
const open = (port) => new Promise((done) => {
  server = net.createServer((socket) => socket.end()).listen(port, '127.0.0.1', () => done(server.address().port));
});
process.on('SIGTERM', () => process.exit(0));
open(0).then((port) => {
  process.send({ type: 'kinema.listening', listeners: { kafka: port } });
  process.on('message', async (message) => {
    if (message.type !== 'kinema.switch-listener') return;
    if (message.open) await open(port);
    else await new Promise((done) => server.close(done));
    process.send({ type: 'kinema.listener-switched', listener: message.listener, open: message.open });
  });
});
`;

function switchingSpec(name: string): ProcessSpec {
  return {
    ...idleSpec(name),
    launch: () => ({ args: ['-e', SWITCHING], env: {} }),
    switchable: ['kafka'],
  };
}

// A replica in miniature: it listens on the port its launch gives it (0: any) and reports it.
const LISTENING = `
const server = require('node:net').createServer((socket) => socket.end());
process.on('SIGTERM', () => process.exit(0));
server.listen(Number(process.env.PORT), '127.0.0.1', () =>
  process.send({ type: 'kinema.listening', listeners: { http: server.address().port } }));
`;

function replicaSpec(name: string): ProcessSpec {
  return {
    ...idleSpec(name),
    ports: { http: 0 },
    launch: (context) => ({ args: ['-e', LISTENING], env: { PORT: String(context.ports.http) } }),
    portsMayMove: true,
  };
}

/** Whether a TCP connection to the port is accepted. */
function accepts(port: number | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: port ?? 0 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The kernel's view of a process: R, S, T (stopped by a signal), ... */
function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
}

/** A signal is delivered asynchronously: polls until the process is in `wanted` state or not. */
async function becomes(pid: number, frozen: boolean): Promise<void> {
  while ((state(pid) === 'T') !== frozen) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Freezes a replica and waits until it is running again: killed (SIGKILL) once its liveness
 * probe failed twice, and started again as after a crash.
 */
async function killedWhenFrozen(
  supervisor: Supervisor,
  events: FleetEvent[],
  name: string,
): Promise<void> {
  const frozen = supervisor.freeze(name);
  if (!frozen) throw new Error(`${name} is not running`);
  await waitFor(
    () =>
      events.some(
        (event) =>
          event.kind === 'ready' &&
          event.process.spec.name === name &&
          event.process.pid !== frozen.pid,
      ),
    `${name} started again and ready`,
  );
  expect(events).toContainEqual({ kind: 'unhealthy', name, failures: 2 });
  expect(events).toContainEqual(
    expect.objectContaining({ kind: 'crashed', name, code: 'SIGKILL' }),
  );
  expect(await frozen.exited).toBe('SIGKILL');
}

// The chart's probes in miniature, so that a test waits about a second, not 15 or 30: still half
// a second for an idle replica's answer, which a busy machine never takes twice in a row.
const quick = { periodMs: 500, timeoutMs: 500, failureThreshold: 2 };

/** A fleet of one stage, started, and the events it emits. */
async function startedFleet(
  specs: ProcessSpec[],
  probes?: { readiness: ProbeSettings; liveness: ProbeSettings },
) {
  const events: FleetEvent[] = [];
  const supervisor = new Supervisor(() => undefined);
  const plan = { stages: [specs], ports: [], externalDatabases: [] } as unknown as Plan;
  const fleet = new Fleet(plan, supervisor, (event) => events.push(event), probes);
  await fleet.start();
  return { supervisor, fleet, events };
}

describe('faults the launcher plays on its own processes', () => {
  let supervisor: Supervisor;
  let fleet: Fleet;
  let events: FleetEvent[];

  beforeEach(async () => {
    ({ supervisor, fleet, events } = await startedFleet([
      idleSpec('toy'),
      switchingSpec('stand-ins'),
      replicaSpec('replica'),
    ]));
  });

  afterEach(() => fleet.stop());

  it('thaws a frozen process it stops, which then leaves on its own SIGTERM handler (code 0)', async () => {
    const frozen = supervisor.freeze('toy');
    if (!frozen) throw new Error('toy is not running');
    await becomes(frozen.pid, true);
    // A grace far longer than the test's timeout: only a thawed process can exit in time.
    await supervisor.stop('toy', 600_000);
    expect(await frozen.exited).toBe(0);
  });

  it('lets a frozen process run again', async () => {
    const frozen = supervisor.freeze('toy');
    if (!frozen) throw new Error('toy is not running');
    await becomes(frozen.pid, true);
    expect(supervisor.thaw('toy')).toBe(true);
    await becomes(frozen.pid, false);
    expect(supervisor.thaw('toy')).toBe(false);
  });

  it('restarts a process killed as a crash, with backoff', async () => {
    const before = supervisor.get('toy');
    expect(await supervisor.crash('toy')).toBe('SIGKILL');
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (events.some((event) => event.kind === 'ready' && event.process.pid !== before?.pid)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'crashed', name: 'toy', code: 'SIGKILL', restarts: 1 }),
    );
  });

  // (Back on the same port when it is free is not asserted: the port a crash frees may be taken
  // by any outgoing connection on the machine before the restart, which is this test's point.)
  it('restarts a crashed replica whose port was taken meanwhile on another, at the first attempt', async () => {
    const victim = supervisor.get('replica');
    const first = victim?.listeners.http;
    if (!victim || first === undefined) throw new Error('the replica is not running');
    await supervisor.crash('replica');
    // Its port taken once it is gone, as an outgoing connection may take a port the OS chose (if
    // something took it first, the squatter's EADDRINUSE says it is taken all the same).
    const squatter = createServer();
    await new Promise<void>((resolve) => {
      squatter.once('error', () => resolve());
      squatter.listen(first, '127.0.0.1', resolve);
    });
    try {
      await waitFor(() => {
        const back = supervisor.get('replica');
        return back !== undefined && back.pid !== victim.pid && back.readyAfterMs > 0;
      }, 'the replica back after its crash');
      const moved = supervisor.get('replica')?.listeners.http;
      expect(moved).not.toBe(first);
      expect(await accepts(moved)).toBe(true);
      // Not one attempt failed with EADDRINUSE, as every attempt did while the port was held.
      expect(events.filter((event) => event.kind === 'restart-failed')).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 30_000);

  it('does not restart a process it holds stopped on purpose, refuses to scale or restart it, and brings it back on release', async () => {
    const before = supervisor.get('toy');
    await fleet.hold(['toy']);
    expect(supervisor.get('toy')).toBeUndefined();
    expect(events).toContainEqual({ kind: 'stopped', name: 'toy', code: 0 });
    expect(events.some((event) => event.kind === 'crashed')).toBe(false);
    await expect(fleet.restart('toy')).rejects.toThrow(
      'toy is stopped on purpose by `kinema chaos` until it ends',
    );

    await fleet.release(['toy']);
    const after = supervisor.get('toy');
    expect(after?.pid).toBeDefined();
    expect(after?.pid).not.toBe(before?.pid);
  });

  it('holds a switchable listener by closing it in a process that serves on, and opens it on the same port on release', async () => {
    const standIns = supervisor.get('stand-ins');
    const port = standIns?.listeners.kafka;
    expect(await accepts(port)).toBe(true);
    await fleet.hold(['kafka']);
    expect(await accepts(port)).toBe(false);
    expect(supervisor.get('stand-ins')?.pid).toBe(standIns?.pid);
    await expect(fleet.restart('stand-ins')).rejects.toThrow(
      'kafka is stopped on purpose by `kinema chaos` until it ends',
    );

    await fleet.release(['kafka']);
    expect(await accepts(port)).toBe(true);
    expect(supervisor.get('stand-ins')?.pid).toBe(standIns?.pid);
  });
});

// A gateway replica in miniature: it answers its readiness path and, on any other path, its own
// name; it serves the connections the launcher's front hands it, as the gateway does.
const GATEWAY = `
const server = require('node:http').createServer((request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(request.url === '/readyz' ? { status: 'ok' } : { replica: process.env.NAME }));
});
process.on('SIGTERM', () => process.exit(0));
process.on('message', (message, socket) => {
  if (message.type === 'kinema.connection' && socket) server.emit('connection', socket);
});
server.listen(0, '127.0.0.1', () =>
  process.send({ type: 'kinema.listening', listeners: { http: server.address().port } }));
`;

function gatewaySpec(name: string): ProcessSpec {
  return {
    ...idleSpec(name),
    service: 'gateway',
    ports: { http: 0 },
    launch: () => ({ args: ['-e', GATEWAY], env: { NAME: name } }),
    ready: { kind: 'http', listener: 'http', path: '/readyz' },
  };
}

describe('the launcher front and a hung gateway replica', () => {
  // A probe asked too seldom to turn during a test: each test watches the other one work alone.
  const never = { periodMs: 600_000, timeoutMs: 500, failureThreshold: 2 };
  // In turn, from whichever was ready first (they start side by side).
  const both = ['gateway', 'gateway', 'gateway-2', 'gateway-2'];
  let supervisor: Supervisor;
  let fleet: Fleet;
  let events: FleetEvent[];

  const start = async (probes: { readiness: ProbeSettings; liveness: ProbeSettings }) => {
    ({ supervisor, fleet, events } = await startedFleet(
      [gatewaySpec('gateway'), gatewaySpec('gateway-2')],
      probes,
    ));
  };

  afterEach(() => fleet.stop());

  /** What the readiness probes turned. */
  const turns = () =>
    events.filter((event) => event.kind === 'unready' || event.kind === 'ready-again');

  /** Which replica answers each of `count` requests on new connections to the public port. */
  async function answeredBy(count: number): Promise<string[]> {
    const replicas: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`http://127.0.0.1:${fleet.gatewayPort}/api/v1/titles`, {
        headers: { connection: 'close' },
        signal: AbortSignal.timeout(2_000),
      });
      replicas.push(((await response.json()) as { replica: string }).replica);
    }
    return replicas;
  }

  describe('its readiness probe', () => {
    beforeEach(() => start({ readiness: quick, liveness: never }));

    it('takes a replica that stops answering its readiness probe out of rotation, and puts it back once it answers', async () => {
      expect((await answeredBy(4)).sort()).toEqual(both);

      const frozen = supervisor.freeze('gateway-2');
      if (!frozen) throw new Error('gateway-2 is not running');
      await waitFor(
        () => events.some((event) => event.kind === 'unready'),
        'gateway-2 out of rotation',
      );
      expect(turns()).toEqual([{ kind: 'unready', name: 'gateway-2', failures: 2 }]);
      // Every new connection now goes to the replica that answers; none hangs.
      expect(await answeredBy(4)).toEqual(['gateway', 'gateway', 'gateway', 'gateway']);

      supervisor.thaw('gateway-2');
      await waitFor(
        () => events.some((event) => event.kind === 'ready-again'),
        'gateway-2 back in rotation',
      );
      expect(turns()).toEqual([
        { kind: 'unready', name: 'gateway-2', failures: 2 },
        { kind: 'ready-again', name: 'gateway-2' },
      ]);
      expect((await answeredBy(4)).sort()).toEqual(both);
    }, 15_000);

    it('does not put back a replica scaled away while it was out of rotation', async () => {
      supervisor.freeze('gateway-2');
      await waitFor(
        () => events.some((event) => event.kind === 'unready'),
        'gateway-2 out of rotation',
      );
      await fleet.drainAndStop('gateway-2');
      expect(fleet.front.replicas).toEqual(['gateway']);
      expect(await answeredBy(2)).toEqual(['gateway', 'gateway']);
      expect(turns()).toEqual([{ kind: 'unready', name: 'gateway-2', failures: 2 }]);
    }, 15_000);
  });

  describe('its liveness probe', () => {
    beforeEach(() => start({ readiness: never, liveness: quick }));

    it('kills a replica that stops answering its liveness probe, and starts it again as after a crash', async () => {
      await killedWhenFrozen(supervisor, events, 'gateway-2');
      expect((await answeredBy(4)).sort()).toEqual(both);
    }, 15_000);
  });
});

// A process with an ops listener in miniature: 200 on its /readyz and /healthz; /asked says how
// many times its /healthz was asked.
const OPS = `
let asked = 0;
const server = require('node:http').createServer((request, response) => {
  if (request.url === '/healthz') asked += 1;
  response.end(JSON.stringify(request.url === '/asked' ? { asked } : {}));
});
process.on('SIGTERM', () => process.exit(0));
server.listen(0, '127.0.0.1', () =>
  process.send({ type: 'kinema.listening', listeners: { ops: server.address().port } }));
`;

function opsSpec(name: string, service: string): ProcessSpec {
  return {
    ...idleSpec(name),
    service,
    ports: { ops: 0 },
    launch: () => ({ args: ['-e', OPS], env: {} }),
    ready: { kind: 'http', listener: 'ops', path: '/readyz' },
  };
}

describe('a hung service replica', () => {
  let supervisor: Supervisor;
  let fleet: Fleet;
  let events: FleetEvent[];

  beforeEach(async () => {
    ({ supervisor, fleet, events } = await startedFleet(
      [opsSpec('catalog', 'catalog'), opsSpec('pglite-catalog', 'pglite-catalog')],
      { readiness: quick, liveness: quick },
    ));
  });

  afterEach(() => fleet.stop());

  it('is killed once its liveness probe fails and started again; a process that is no Kinema service (a stand-in) is not probed', async () => {
    await killedWhenFrozen(supervisor, events, 'catalog');
    // Watched from the same moment, the stand-in would have been asked as often as the replica.
    const standIn = supervisor.get('pglite-catalog')?.listeners.ops;
    const answer = await fetch(`http://127.0.0.1:${standIn}/asked`);
    expect(await answer.json()).toEqual({ asked: 0 });
    // A service replica's readiness is the gateways' to judge: none was turned.
    expect(events.some((event) => event.kind === 'unready')).toBe(false);
  }, 15_000);
});
