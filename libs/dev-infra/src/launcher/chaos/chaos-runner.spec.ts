import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSystem } from '../system';
import { runChaos } from './chaos-runner';
import type { ChaosSession } from './chaos-session';

/** A `kinema chaos` command as the launcher sees it: what it was told, and its Ctrl-C. */
function session() {
  const said: string[] = [];
  let interrupt: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (interrupt = resolve));
  const value: ChaosSession = {
    say: (text) => said.push(text),
    ended,
    subscribe: () => () => undefined,
    kinemaCommand: (args) => `npm run kinema -- ${args}`,
  };
  return { session: value, said, interrupt };
}

/** A stand-in for the gateway: every request answered 200 with an empty JSON object. */
let gateway: Server;
let gatewayUrl: string;
beforeAll(async () => {
  gateway = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end('{}');
  });
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => gateway.close(resolve)));

/** The parts of a running system these scenarios touch. */
function system(plan: Partial<RunningSystem['plan']> = {}) {
  const fleet = {
    replicas: jest.fn(() => ['users']),
    hold: jest.fn(async () => undefined),
    release: jest.fn(async () => undefined),
    stopped: new Promise<void>(() => undefined),
  };
  const value = {
    plan: { admin: { email: 'admin@kinema.local', password: 'x' }, ...plan },
    fleet,
    supervisor: { get: () => undefined },
    gatewayUrl,
  } as unknown as RunningSystem;
  return { system: value, fleet };
}

describe('a chaos scenario in the launcher', () => {
  it('refuses broker-down with an external Kafka, changing nothing', async () => {
    const { system: external, fleet } = system({ externalKafka: 'kafka.example:9092' });
    await expect(runChaos(['broker-down'], external, session().session)).rejects.toThrow(
      'this launcher has none: it uses the Kafka at KAFKA_BROKERS=kafka.example:9092',
    );
    expect(fleet.hold).not.toHaveBeenCalled();
  });

  it('runs one scenario at a time, and undoes it as soon as its command ends', async () => {
    const { system: local, fleet } = system();
    const first = session();
    const running = runChaos(['users-down', '--for', '60s'], local, first.session);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (first.said.some((line) => line.startsWith('It ends by itself at'))) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(fleet.hold).toHaveBeenCalledWith(['users']);
    expect(first.said).toContain('WHAT TO WATCH');

    await expect(runChaos(['broker-down'], local, session().session)).rejects.toThrow(
      /^users-down is on until \d\d:\d\d:\d\d; one scenario at a time/,
    );

    first.interrupt();
    await expect(running).resolves.toBe(
      'Undone. users is back (users ready); requests through the gateway reach users again.',
    );
    expect(first.said).toContain('Ended early: undoing the fault...');
    expect(fleet.release).toHaveBeenCalledWith(['users']);
  });

  it('refuses what the command line could not have asked for', async () => {
    await expect(
      runChaos(['slow-network', '--service', 'gateway'], system().system, session().session),
    ).rejects.toThrow('--service must be one of catalog, users, videos for slow-network');
  });
});
