import { failures, ONE_EACH, SteadyLoad, type Sample, type Worker } from '@kinema/dev-infra';
import { Client } from './support/accounts';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';

const REPLICAS = ['catalog', 'catalog-2', 'catalog-3'];

// Three catalog replicas behind one gateway, and reads no cache holds, so every read is a gRPC
// call that round robin may hand to the replica in trouble.
describe('a catalog replica that hangs or crashes under load', () => {
  let system: TestSystem;
  let api: string;
  let admin: Client;
  let titleId: string;

  const readers = (load: SteadyLoad): Worker[] =>
    Array.from({ length: 4 }, () => async () => {
      const from = 1900 + Math.floor(Math.random() * 120);
      const limit = 1 + Math.floor(Math.random() * 40);
      return [
        await load.request('read', `${api}/titles?limit=${limit}&yearFrom=${from}&yearTo=${from}`),
      ];
    });

  /**
   * A page never asked for before in this file, so no cache holds it: pages of 1 to 100 titles from
   * every year the catalog accepts, 12,100 of them. (Numbering the year alone ran past the latest
   * year the catalog accepts within a second of rounds, after which every read was refused.)
   */
  let pagesAsked = 0;
  const freshPage = (): string => {
    const page = pagesAsked++;
    return `/titles?limit=${1 + (Math.floor(page / 121) % 100)}&yearFrom=${1900 + (page % 121)}`;
  };

  /**
   * Rounds of uncached reads until every catalog replica has answered one (within `withinMs`); all
   * must succeed.
   */
  const everyReplicaServes = async (withinMs = 30_000): Promise<void> => {
    const load = new SteadyLoad();
    const samples: Sample[] = [];
    await eventually(async () => {
      const reads = Array.from({ length: 12 }, () => load.request('read', `${api}${freshPage()}`));
      samples.push(...(await Promise.all(reads)));
      expect(new Set(samples.flatMap((sample) => sample.servedBy))).toEqual(
        new Set(['gateway', ...REPLICAS]),
      );
    }, withinMs);
    expect(failures(samples)).toEqual([]);
  };

  beforeAll(async () => {
    system = await startTestSystem(
      40,
      // One client sending steady load from one address: the per-client limit is not under test.
      { RATE_LIMIT_REQUESTS: '1000000' },
      { scale: { ...ONE_EACH, catalog: REPLICAS.length } },
    );
    api = `${system.gatewayUrl}/api/v1`;
    admin = new Client(api);
    await admin.signIn(system.plan.admin);
    const page = await request<{ items: Array<{ id: string }> }>(api, '/titles?limit=1');
    const first = page.body.items[0];
    if (!first) throw new Error('the demo catalog has no title');
    titleId = first.id;
  });

  afterAll(async () => {
    system?.supervisor.thaw('catalog-3');
    await system?.dispose();
  });

  it('ejects a hung (SIGSTOPped) replica while every read succeeds, and takes it back after', async () => {
    await everyReplicaServes();
    const load = new SteadyLoad();
    load.start(readers(load));
    if (!system.supervisor.freeze('catalog-3')) throw new Error('catalog-3 is not running');
    try {
      // Writes are sent once, never hedged: while the hung replica is in the gateway's rotation,
      // a third of them go to it and fail. A run of writes all answered by the others shows it
      // is out (a replica still in rotation would escape fifteen picks in 0.2 % of runs).
      await eventually(async () => {
        for (let i = 0; i < 15; i++) {
          const answer = await admin.call('PATCH', `/titles/${titleId}`, {
            body: { name: `Renamed while catalog-3 hangs ${i}` },
            headers: { 'content-type': 'application/merge-patch+json' },
          });
          expect(answer.status).toBe(200);
          expect(answer.headers.get('x-served-by')).not.toContain('catalog-3');
        }
      }, 30_000);
    } finally {
      system.supervisor.thaw('catalog-3');
    }
    const samples = await load.stop();
    expect(samples.length).toBeGreaterThan(0);
    expect(failures(samples)).toEqual([]);
    // Re-admitted once it answers again: after its ejection, which grows to FAILOVER.maxEjectionMs
    // (30 s) for a replica ejected again and again while it hung, and the channel's next
    // reconnection attempt. The bound is that, with room for a busy machine; a replica never
    // re-admitted still fails it.
    await everyReplicaServes(60_000);
  }, 180_000);

  it('costs no read when a replica is killed (SIGKILL) with reads in flight', async () => {
    await everyReplicaServes();
    const victim = system.supervisor.get('catalog-2');
    if (!victim) throw new Error('catalog-2 is not running');
    const load = new SteadyLoad();
    load.start(readers(load));
    // Kill it while it is serving this load, so calls are in flight on it.
    await eventually(async () =>
      expect(load.since(0).some((sample) => sample.servedBy.includes('catalog-2'))).toBe(true),
    );
    process.kill(victim.pid, 'SIGKILL');
    await eventually(async () => {
      const back = system.supervisor.get('catalog-2');
      expect(back && back.pid !== victim.pid).toBe(true);
      expect(system.fleet.addressBook.addresses('catalog')).toHaveLength(REPLICAS.length);
    }, 30_000);
    expect(failures(await load.stop())).toEqual([]);
  });
});
