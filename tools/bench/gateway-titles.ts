// GET /api/v1/titles?limit=20 (or --path) through the whole path (gateway -> gRPC -> catalog ->
// PostgreSQL) beside a plain node:http server answering the same bytes, in the same run, in a
// process of its own (lib/bytes-server.ts), so it never shares autocannon's event loop.
// Usage: npx nx run-many -t build && npx tsx tools/bench/gateway-titles.ts [--seconds 10] [--rounds 3]
//   [--path /api/v1/browse --demo-videos] [--uncached] [--signed-in] [--gzip]
// --uncached runs the gateway with CATALOG_CACHE_TTL_MS=0, so every request reaches the catalog.
// --signed-in reads as a newly registered viewer, with its bearer token and its profile
// (X-Profile-Id), as the web app does.
// --gzip sends Accept-Encoding: gzip, as browsers do; node:http then sends the body gzipped
// (compressed once, before the runs).
// Each gateway round also prints the CPU time per request of the gateway, the catalog and the
// catalog's database (its PGlite server, or its backends on a local PostgreSQL server): on a
// shared machine the rate moves with everyone else's load, the CPU a request costs much less.
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite, REDIS_URL to share the rate
// limiter and the catalog cache through Redis.
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { runScript, seedDemoVideos } from '@kinema/dev-infra';
import { cpuMs, databaseCpuMs, registerViewer, startBenchSystem } from './lib/bench-system';
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
      gzip: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const system = await startBenchSystem();
  if (values.uncached) await system.restart('gateway', { CATALOG_CACHE_TTL_MS: '0' });
  if (values['demo-videos']) {
    const demo = await seedDemoVideos(system.gatewayUrl, system.plan.admin);
    process.stdout.write(`demo clips uploaded: ${demo.uploaded}\n`);
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
    `GET ${values.path} (${bytes.length} bytes${values.gzip ? `, ${sent.length} gzipped` : ''})${values.uncached ? ', gateway cache off' : ''}${values['signed-in'] ? ', signed in with a profile' : ''}, ${connections} connections, ${seconds}s per run, database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}, rate limiter: ${process.env['REDIS_URL'] ? 'Redis' : 'in memory'}, node:http in its own process (pid ${baseline.pid})\n`,
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

runScript(main);
