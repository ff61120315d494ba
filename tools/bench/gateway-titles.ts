// GET /api/v1/titles?limit=20 (or --path) through the whole path (gateway -> gRPC -> catalog ->
// PostgreSQL) beside a plain node:http server answering the same bytes, in the same run, in a
// process of its own (lib/bytes-server.ts), so it never shares autocannon's event loop.
// Usage: npx nx run-many -t build && npx tsx tools/bench/gateway-titles.ts [--seconds 10] [--rounds 3]
//   [--path /api/v1/browse --demo-videos] [--uncached] [--signed-in [--library 5]] [--gzip]
//   [--every-trace]
// --uncached runs the gateway with CATALOG_CACHE_TTL_MS=0, so every request reaches the catalog.
// --signed-in reads as a newly registered viewer, with its bearer token and its profile
// (X-Profile-Id), as the web app does.
// --library N (with --signed-in) gives the viewer a realistic home page first: N titles of the
// rows started (Continue watching) and N others on My List, through the gateway as the web app does.
// --gzip sends Accept-Encoding: gzip, as browsers do; node:http then sends the body gzipped
// (compressed once, before the runs).
// Each gateway round also prints the CPU time per request of the gateway, the catalog and the
// catalog's database (its PGlite server, or its backends on a local PostgreSQL server): on a
// shared machine the rate moves with everyone else's load, the CPU a request costs much less.
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite, REDIS_URL to share the rate
// limiter and the catalog cache through Redis.
// The services trace as deployed (the chart's sampler, lib/bench-system.ts deployedTracing);
// --every-trace keeps every trace as `npm start` does for `kinema trace`.
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { runScript, seedDemoVideos } from '@kinema/dev-infra';
import {
  cpuMs,
  databaseCpuMs,
  deployedTracing,
  registerViewer,
  startBenchSystem,
} from './lib/bench-system';
import { startBytesServer } from './lib/bytes-server';
import { compare, load, median, summarize } from './lib/load';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      path: { type: 'string', default: '/api/v1/titles?limit=20' },
      // Browse rows show playable titles only: upload the demo clips first, as npm start does.
      'demo-videos': { type: 'boolean', default: false },
      uncached: { type: 'boolean', default: false },
      'signed-in': { type: 'boolean', default: false },
      library: { type: 'string', default: '0' },
      gzip: { type: 'boolean', default: false },
      'every-trace': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const system = await startBenchSystem({
    env: values['every-trace'] ? {} : deployedTracing(),
  });
  if (values.uncached) await system.restart('gateway', { CATALOG_CACHE_TTL_MS: '0' });
  if (values['demo-videos']) {
    const demo = await seedDemoVideos(system.gatewayUrl, system.plan.admin);
    process.stdout.write(`demo clips uploaded: ${demo.uploaded}\n`);
    // Each clip's title becomes playable when its VideoReady event arrives, and each such change
    // drops the cached rows: measure once they all have, not while they still come.
    const clips = demo.uploaded + demo.alreadyPlayable;
    for (
      const deadline = Date.now() + 180_000;
      (await playableTitles(system.gatewayUrl)) < clips;
    ) {
      if (Date.now() > deadline) throw new Error(`fewer than ${clips} titles playable after 180 s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const url = `${system.gatewayUrl}${values.path}`;
  const headers = values['signed-in'] ? await registerViewer(system.gatewayUrl) : {};
  let sample = await fetch(url, { headers });
  let bytes = Buffer.from(await sample.arrayBuffer());
  // The clips become playable as their VideoReady events arrive: wait until rows show them.
  for (const deadline = Date.now() + 120_000; values['demo-videos'] && bytes.length < 1024;) {
    if (Date.now() > deadline) throw new Error(`no browse rows after the demo clips: ${bytes}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    sample = await fetch(url, { headers });
    bytes = Buffer.from(await sample.arrayBuffer());
  }
  if (!sample.ok) throw new Error(`the gateway answered ${sample.status}: ${bytes.toString()}`);
  const library = Number(values.library);
  if (library > 0) {
    await seedLibrary(system.gatewayUrl, headers, bytes, library);
    sample = await fetch(url, { headers });
    bytes = Buffer.from(await sample.arrayBuffer());
    if (!sample.ok) throw new Error(`the gateway answered ${sample.status}: ${bytes.toString()}`);
  }
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
  process.stdout.write(
    `GET ${values.path} (${bytes.length} bytes${values.gzip ? `, ${sent.length} gzipped` : ''})${values.uncached ? ', gateway cache off' : ''}${values['signed-in'] ? `, signed in with a profile${library > 0 ? ` (${library} titles started, ${library} on My List)` : ''}` : ''}, ${connections} connections, ${seconds}s per run, database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}, rate limiter: ${process.env['REDIS_URL'] ? 'Redis' : 'in memory'}, traces: ${values['every-trace'] ? 'every one kept' : 'sampled as deployed'}, node:http in its own process (pid ${baseline.pid})\n`,
  );
  const pidOf = (name: string) => system.supervisor.get(name)?.pid ?? -1;
  const costs: Array<Record<'gateway' | 'catalog' | 'database', number>> = [];
  const cpuNow = () => ({
    gateway: cpuMs(pidOf('gateway')),
    catalog: cpuMs(pidOf('catalog')),
    database: databaseCpuMs(system, 'catalog'),
  });
  try {
    const results = await compare(Number(values.rounds), [
      {
        label: 'node:http (same bytes)',
        run: () =>
          load('node:http (same bytes)', baselineUrl, {
            seconds,
            connections,
            headers: loadHeaders,
          }),
      },
      {
        label: 'gateway -> catalog',
        run: async () => {
          const before = cpuNow();
          const result = await load('gateway -> catalog', url, {
            seconds,
            connections,
            headers: loadHeaders,
          });
          const after = cpuNow();
          const per = (key: keyof typeof before) => (after[key] - before[key]) / result.requests;
          const cost = {
            gateway: per('gateway'),
            catalog: per('catalog'),
            database: per('database'),
          };
          costs.push(cost);
          process.stdout.write(
            `  CPU ms per request: gateway ${cost.gateway.toFixed(2)}, catalog ${cost.catalog.toFixed(2)}, database ${cost.database.toFixed(2)}\n`,
          );
          return result;
        },
      },
    ]);
    summarize(results, 'node:http (same bytes)');
    const medianOf = (key: keyof (typeof costs)[number]) =>
      median(costs.map((cost) => cost[key])).toFixed(2);
    process.stdout.write(
      `  CPU ms per request (medians): gateway ${medianOf('gateway')}, catalog ${medianOf('catalog')}, database ${medianOf('database')}\n`,
    );
  } finally {
    await baseline.stop();
    await system.stop();
  }
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
