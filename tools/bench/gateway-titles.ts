// GET /api/v1/titles?limit=20 (or --path) through the whole path (gateway -> gRPC -> catalog ->
// PostgreSQL) beside a plain node:http server answering the same bytes, in the same run, in a
// process of its own (lib/bytes-server.ts), so it never shares autocannon's event loop.
// Usage: npx nx run-many -t build && npx tsx tools/bench/gateway-titles.ts [--seconds 10] [--rounds 3]
//   [--path /api/v1/browse --demo-videos] [--uncached] [--signed-in [--library 5]] [--gzip]
//   [--every-trace] [--uncached --floor]
// --uncached runs the gateway with CATALOG_CACHE_TTL_MS=0, so every request reaches the catalog.
// --floor (with --uncached, on a PostgreSQL server) runs two floors of that read beside it, each
// grpc-hop-floor.ts's bare node:http edge and bare grpc-js service in processes of their own: the
// hop alone (the service answers fixed bytes of the page's size), and the hop with the database
// (the service reads the same first page from the bench's own catalog database with the catalog's
// own statement and sends its rows as JSON).
// --signed-in reads as a newly registered viewer, with its bearer token and its profile
// (X-Profile-Id), as the web app does.
// --library N (with --signed-in) gives the viewer a realistic home page first: N titles of the
// rows started (Continue watching) and N others on My List, through the gateway as the web app does.
// --gzip sends Accept-Encoding: gzip, as browsers do; node:http then sends the body gzipped
// (compressed once, before the runs).
// Each round also prints the CPU time per request of the node:http baseline, or of the gateway, the
// catalog (and signed in, the users service) and the catalog's database (its PGlite server, which
// serves the users service's database too, or its backends on a local PostgreSQL server): on a
// shared machine the rate moves with everyone else's load, the CPU a request costs much less; and
// where the load generator takes a core against the baseline, the rates' ratio is bounded by it,
// the ratio of the two servers' CPU per request is not.
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite, REDIS_URL to share the rate
// limiter and the catalog cache through Redis.
// The services trace and log as deployed (the chart's sampler, lib/bench-system.ts asDeployed,
// and its LOG_LEVEL=info: a line per request); --every-trace keeps every trace as `npm start` does
// for `kinema trace`, LOG_LEVEL=warn in front logs as `npm start` shows a terminal.
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { runScript, seedDemoVideos, waitFor } from '@kinema/dev-infra';
import {
  GATEWAY_UNCACHED,
  asDeployed,
  benchDatabaseUrl,
  cpuMs,
  DEPLOYED_LOG_LEVEL,
  databaseCpuByPid,
  registerViewer,
  startBenchSystem,
} from './lib/bench-system';
import { startBytesServer } from './lib/bytes-server';
import { startHopFloor, type HopFloor } from './lib/hop-floor';
import { compare, load, median, summarize } from './lib/load';

const GATEWAY_LABEL = 'gateway -> catalog';
const BASELINE_LABEL = 'node:http (same bytes)';

/** What is read unless --path says otherwise; the floor reads the same page. */
const DEFAULT_PATH = '/api/v1/titles?limit=20';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      path: { type: 'string', default: DEFAULT_PATH },
      // Browse rows show playable titles only: upload the demo clips first, as npm start does.
      'demo-videos': { type: 'boolean', default: false },
      uncached: { type: 'boolean', default: false },
      floor: { type: 'boolean', default: false },
      'signed-in': { type: 'boolean', default: false },
      library: { type: 'string', default: '0' },
      gzip: { type: 'boolean', default: false },
      'every-trace': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const serverUrl = process.env['DATABASE_URL'];
  if (values.floor && !(values.uncached && serverUrl && values.path === DEFAULT_PATH))
    throw new Error(
      `--floor reads ${DEFAULT_PATH} uncached on a server: give --uncached and DATABASE_URL`,
    );
  const { env, logLevel, traces } = asDeployed(values['every-trace']);
  const system = await startBenchSystem({ env, logLevel });
  if (values.uncached) await system.restart('gateway', GATEWAY_UNCACHED);
  if (values['demo-videos']) {
    const demo = await seedDemoVideos(system.gatewayUrl, system.plan.admin);
    process.stdout.write(`demo clips uploaded: ${demo.uploaded}\n`);
    // Each clip's title becomes playable when its VideoReady event arrives, and each such change
    // drops the cached rows: measure once they all have, not while they still come.
    const clips = demo.uploaded + demo.alreadyPlayable;
    await waitFor(
      async () => (await playableTitles(system.gatewayUrl)) >= clips,
      `${clips} titles playable`,
      { timeoutMs: 180_000, intervalMs: 500 },
    );
  }
  const url = `${system.gatewayUrl}${values.path}`;
  const headers = values['signed-in'] ? await registerViewer(system.gatewayUrl) : {};
  const page = async () => {
    const answer = await fetch(url, { headers });
    return { answer, bytes: Buffer.from(await answer.arrayBuffer()) };
  };
  let sample!: Awaited<ReturnType<typeof page>>;
  // The clips become playable as their VideoReady events arrive: wait until rows show them.
  await waitFor(
    async () => {
      sample = await page();
      return !values['demo-videos'] || sample.bytes.length >= 1024;
    },
    'browse rows after the demo clips',
    { timeoutMs: 120_000, intervalMs: 500, describe: () => sample.bytes.toString() },
  );
  const failed = () => `the gateway answered ${sample.answer.status}: ${sample.bytes.toString()}`;
  if (!sample.answer.ok) throw new Error(failed());
  const library = Number(values.library);
  if (library > 0) {
    await seedLibrary(system.gatewayUrl, headers, sample.bytes, library);
    sample = await page();
    if (!sample.answer.ok) throw new Error(failed());
  }
  const { bytes } = sample;
  const loadHeaders = { ...headers, ...(values.gzip ? { 'accept-encoding': 'gzip' } : {}) };
  const sent = values.gzip ? gzipSync(bytes) : bytes;
  const baseline = await startBytesServer(sent, {
    'content-type': 'application/json; charset=utf-8',
    ...(values.gzip ? { 'content-encoding': 'gzip' } : {}),
  }).catch(async (error: unknown) => {
    await system.stop();
    throw error;
  });
  const baselineUrl = baseline.url;
  // The floors, each an edge and a service of grpc-hop-floor.ts: the hop alone (bytes of the
  // page's size), and the hop with the database read (the catalog's statement, its own pool).
  const floors: Array<{ label: string; floor: HopFloor }> = [];
  const stopAll = async () => {
    await Promise.all([baseline.stop(), ...floors.map(({ floor }) => floor.stop())]);
    await system.stop();
  };
  try {
    if (values.floor && serverUrl) {
      const database = benchDatabaseUrl(serverUrl, 'catalog');
      floors.push({
        label: 'floor: http -> grpc',
        floor: await startHopFloor(['--bytes', String(bytes.length)]),
      });
      floors.push({
        label: 'floor: http -> grpc -> pg',
        floor: await startHopFloor(['--database', database]),
      });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  process.stdout.write(
    `GET ${values.path} (${bytes.length} bytes${values.gzip ? `, ${sent.length} gzipped` : ''})${values.uncached ? ', gateway cache off' : ''}${values['signed-in'] ? `, signed in with a profile${library > 0 ? ` (${library} titles started, ${library} on My List)` : ''}` : ''}, ${connections} connections, ${seconds}s per run, database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}, rate limiter: ${process.env['REDIS_URL'] ? 'Redis' : 'in memory'}, traces: ${traces}, LOG_LEVEL=${logLevel}${logLevel === DEPLOYED_LOG_LEVEL ? ' (as deployed: a line per request)' : ''}, node:http in its own process (pid ${baseline.pid})\n`,
  );
  const pidOf = (name: string) => system.supervisor.get(name)?.pid ?? -1;
  const costs = new Map<string, Cost[]>();
  /**
   * Loads `target` and prints what one request cost its edge, its service (and `users`, when
   * given) and the catalog's database (each backend's CPU since the last reading: one that exits
   * between readings drops out of both rather than counting as negative).
   */
  const measured = async (
    label: string,
    target: string,
    edge: number,
    service?: number,
    users?: number,
  ) => {
    const databaseOf = () =>
      service === undefined ? new Map<number, number>() : databaseCpuByPid(system, 'catalog');
    const cpuOf = (pid: number | undefined) => (pid === undefined ? 0 : cpuMs(pid));
    const before = { edge: cpuMs(edge), service: cpuOf(service), users: cpuOf(users) };
    const databaseBefore = databaseOf();
    const result = await load(label, target, { seconds, connections, headers: loadHeaders });
    const after = { edge: cpuMs(edge), service: cpuOf(service), users: cpuOf(users) };
    let database = 0;
    for (const [pid, used] of databaseOf()) database += used - (databaseBefore.get(pid) ?? 0);
    const cost: Cost = {
      edge: (after.edge - before.edge) / result.requests,
      service: (after.service - before.service) / result.requests,
      database: database / result.requests,
      ...(users === undefined ? {} : { users: (after.users - before.users) / result.requests }),
    };
    costs.set(label, [...(costs.get(label) ?? []), cost]);
    return { ...result, detail: `CPU ms per request: ${costText(label, [cost])}` };
  };
  // Every contestant is loaded for one round's length first, not counted: a deployed process has
  // long compiled its hot code and loaded what it loads lazily (the trace exporter's first batch).
  const warmUp = (target: string) => () =>
    load('warm-up', target, { seconds, connections, headers: loadHeaders });
  try {
    const results = await compare(Number(values.rounds), [
      {
        label: BASELINE_LABEL,
        run: () => measured(BASELINE_LABEL, baselineUrl, baseline.pid),
        warmUp: warmUp(baselineUrl),
      },
      {
        label: GATEWAY_LABEL,
        // Signed in, the users service is on the path too: the gateway asks it about the
        // viewer's session and profile whenever it has trusted them for SESSION_CHECK_CACHE_MS.
        run: () =>
          measured(
            GATEWAY_LABEL,
            url,
            pidOf('gateway'),
            pidOf('catalog'),
            values['signed-in'] ? pidOf('users') : undefined,
          ),
        warmUp: warmUp(url),
      },
      ...floors.map(({ label, floor }) => ({
        label,
        run: () => measured(label, floor.edge.url, floor.edge.pid, floor.service.pid),
        warmUp: warmUp(floor.edge.url),
      })),
    ]);
    summarize(results, BASELINE_LABEL);
    process.stdout.write('  CPU ms per request (medians):\n');
    for (const [label, runs] of costs)
      process.stdout.write(`    ${label.padEnd(28)} ${costText(label, runs)}\n`);
    // The rate's ratio is bounded by the load generator wherever it takes a core against the
    // baseline; what a request costs each server is not, and says what each would serve alone.
    const edgeCost = (label: string) => median((costs.get(label) ?? []).map((cost) => cost.edge));
    process.stdout.write(
      `  CPU per request, node:http's against the gateway's: ${(edgeCost(BASELINE_LABEL) / edgeCost(GATEWAY_LABEL)).toFixed(2)}\n`,
    );
    const rate = (label: string) =>
      median((results.get(label) ?? []).map((result) => result.requestsPerSecond));
    for (const { label } of floors) {
      process.stdout.write(
        `  ${GATEWAY_LABEL} against ${label}: ${(rate(GATEWAY_LABEL) / rate(label)).toFixed(2)}\n`,
      );
    }
  } finally {
    await stopAll();
  }
}

/** What one request cost each process of a contestant, in CPU milliseconds. */
interface Cost {
  edge: number;
  service: number;
  database: number;
  /** The users service's, for a signed-in gateway contestant. */
  users?: number;
}

/** The medians of `runs`, each process named as in `label`'s contestant. */
function costText(label: string, runs: Cost[]): string {
  const of = (key: keyof Cost) => median(runs.map((cost) => cost[key] ?? 0)).toFixed(3);
  if (label === BASELINE_LABEL) return `node:http ${of('edge')}`;
  const [edge, service] = label === GATEWAY_LABEL ? ['gateway', 'catalog'] : ['edge', 'service'];
  const users = runs[0]?.users === undefined ? '' : `, users ${of('users')}`;
  return `${edge} ${of('edge')}, ${service} ${of('service')}${users}, database ${of('database')}`;
}

/** How many titles of the catalog are playable (every page of GET /titles). */
async function playableTitles(gatewayUrl: string): Promise<number> {
  let count = 0;
  let cursor = '';
  do {
    const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await fetch(`${gatewayUrl}/api/v1/titles?limit=100${after}`);
    const page = (await response.json()) as {
      items: Array<{ playable: boolean }>;
      nextCursor: string | null;
    };
    count += page.items.filter((title) => title.playable).length;
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return count;
}

/**
 * Starts `count` titles of the browse rows (position a third of the way, so they are in progress)
 * and puts `count` others on My List, as the viewer whose headers these are.
 */
async function seedLibrary(
  gatewayUrl: string,
  headers: Record<string, string>,
  browse: Buffer,
  count: number,
): Promise<void> {
  const { rows } = JSON.parse(browse.toString('utf8')) as {
    rows: Array<{ items: Array<{ id: string }> }>;
  };
  const ids = [...new Set(rows.flatMap((row) => row.items.map((item) => item.id)))];
  if (ids.length < 2 * count) throw new Error(`only ${ids.length} titles in the rows to seed from`);
  const profile = `${gatewayUrl}/api/v1/me/profiles/${headers['x-profile-id']}`;
  const put = async (path: string, body?: unknown) => {
    const response = await fetch(`${profile}/${path}`, {
      method: 'PUT',
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
  };
  for (const id of ids.slice(0, count))
    await put(`progress/${id}`, { positionSeconds: 600, durationSeconds: 1800 });
  for (const id of ids.slice(count, 2 * count)) await put(`list/${id}`);
}

runScript(main);
