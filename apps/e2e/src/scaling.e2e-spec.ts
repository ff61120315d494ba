import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  controlSocketPath,
  failures,
  ONE_EACH,
  serveControlSocket,
  SteadyLoad,
  type FleetEvent,
  type Sample,
  type Worker,
} from '@kinema/dev-infra';
import { eventually } from './support/eventually';
import { startTestSystem, type TestSystem } from './support/system';

const KINEMA = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/kinema.js');
const run = promisify(execFile);

// Several replicas share one database: the PostgreSQL server named by TEST_DATABASE_URL, or else
// the PGlite server, whose connections take turns a transaction at a time.
describe('scaling on one machine (the launcher, its control socket and `kinema`)', () => {
  let system: TestSystem;
  let control: Server;
  const events: FleetEvent[] = [];
  let dataDir: string;

  const kinema = async (...args: string[]) =>
    (await run(process.execPath, [KINEMA, ...args, '--data-dir', dataDir])).stdout;

  /** Readers of pages no cache holds, so every request reaches a catalog replica. */
  const readers = (load: SteadyLoad): Worker[] =>
    Array.from({ length: 4 }, () => async () => {
      const from = 1950 + Math.floor(Math.random() * 70);
      const limit = 1 + Math.floor(Math.random() * 40);
      return [
        await load.request(
          'read',
          `${system.gatewayUrl}/api/v1/titles?limit=${limit}&yearFrom=${from}&yearTo=${from + 5}`,
        ),
      ];
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kinema-scaling-'));
    system = await startTestSystem(
      40,
      // One client sending steady load from one address: the per-client limit is not under test.
      { RATE_LIMIT_REQUESTS: '1000000' },
      { scale: { ...ONE_EACH, catalog: 2, gateway: 2 }, onEvent: (e) => events.push(e), dataDir },
    );
    const listeners = new Set<(event: FleetEvent) => void>();
    control = await serveControlSocket(controlSocketPath(dataDir), system, (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    });
  });

  afterAll(async () => {
    control?.close();
    await system?.dispose();
  });

  it('spreads reads over every catalog replica, through either gateway on the one port', async () => {
    // A gateway's channel dispatches to the first replica it reaches while it is still connecting
    // to the others, and the kernel picks a gateway per connection: rounds of reads, until each
    // of the four has served, show the spread; every read of every round must succeed.
    const load = new SteadyLoad();
    const samples: Sample[] = [];
    let round = 0;
    await eventually(async () => {
      round += 1;
      const reads = Array.from({ length: 20 }, (_, i) =>
        load.request(
          'read',
          `${system.gatewayUrl}/api/v1/titles?limit=2&yearFrom=${1900 + round * 20 + i}`,
        ),
      );
      samples.push(...(await Promise.all(reads)));
      const served = new Set(samples.flatMap((sample) => sample.servedBy));
      expect(served).toEqual(new Set(['gateway', 'gateway-2', 'catalog', 'catalog-2']));
    });
    expect(failures(samples)).toEqual([]);
  });

  it('puts a replica added with `kinema scale` to work without failing a request', async () => {
    const load = new SteadyLoad();
    load.start(readers(load));
    const output = await kinema('scale', 'catalog=3');
    expect(output).toContain('catalog: 2 -> 3');
    await eventually(async () =>
      expect(load.since(0).some((s) => s.servedBy.includes('catalog-3'))).toBe(true),
    );
    expect(failures(await load.stop())).toEqual([]);
  });

  it('drains replicas it scales away: no request fails and each exits on its own (code 0)', async () => {
    const load = new SteadyLoad();
    load.start(readers(load));
    await kinema('scale', 'catalog=1');
    const samples = await load.stop();
    expect(failures(samples)).toEqual([]);
    const stopped = events.filter((e) => e.kind === 'stopped' && /^catalog-[23]$/.test(e.name));
    expect(stopped).toEqual(
      expect.arrayContaining([
        { kind: 'stopped', name: 'catalog-2', code: 0 },
        { kind: 'stopped', name: 'catalog-3', code: 0 },
      ]),
    );
    expect(system.fleet.replicas('catalog')).toEqual(['catalog']);
  });

  it('brings a killed replica back while reads keep succeeding on the others', async () => {
    await system.fleet.scale('catalog', 2);
    const victim = system.supervisor.get('catalog-2');
    if (!victim) throw new Error('catalog-2 is not running');
    const load = new SteadyLoad();
    load.start(readers(load));
    process.kill(victim.pid, 'SIGKILL');
    await eventually(async () => {
      const back = system.supervisor.get('catalog-2');
      expect(
        back && back.pid !== victim.pid && system.fleet.addressBook.addresses('catalog'),
      ).toHaveLength(2);
    }, 30_000);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'crashed', name: 'catalog-2', code: 'SIGKILL', restarts: 1 }),
    );
    expect(failures(await load.stop())).toEqual([]);
  });

  it('`kinema status` lists every replica with its pid, port, readiness and requests served', async () => {
    const output = await kinema('status');
    const row = (name: string) => output.split('\n').find((line) => line.startsWith(`${name} `));
    for (const name of [
      'catalog',
      'catalog-2',
      'users',
      'videos',
      'gateway',
      'gateway-2',
      'kafka',
    ]) {
      expect(row(name)).toMatch(/^\S+\s+\d+\s+\d+\s+yes\s+/);
    }
    expect(Number(row('catalog')?.trim().split(/\s+/).at(-1))).toBeGreaterThan(0);
  });
});
