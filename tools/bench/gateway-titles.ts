// GET /api/v1/titles?limit=20 through the whole path (gateway -> gRPC -> catalog -> PostgreSQL)
// beside a plain node:http server answering the same bytes, in the same run.
// Usage: npx nx run-many -t build && npx tsx tools/bench/gateway-titles.ts [--seconds 10] [--rounds 3]
//   [--path /api/v1/browse] [--uncached]
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite (databases kinema_bench_*).
// --uncached runs the gateway with CATALOG_CACHE_TTL_MS=0, so every request reaches the catalog.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { runScript } from '@kinema/dev-infra';
import { startBenchSystem } from './lib/bench-system';
import { compare, load, summarize } from './lib/load';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      path: { type: 'string', default: '/api/v1/titles?limit=20' },
      uncached: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const system = await startBenchSystem();
  if (values.uncached) await system.restart('gateway', { CATALOG_CACHE_TTL_MS: '0' });
  const url = `${system.gatewayUrl}${values.path}`;
  const sample = await fetch(url);
  const bytes = Buffer.from(await sample.arrayBuffer());
  if (!sample.ok) throw new Error(`the gateway answered ${sample.status}: ${bytes.toString()}`);
  const baseline = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
    });
    res.end(bytes);
  });
  await new Promise<void>((done) => baseline.listen(0, '127.0.0.1', done));
  const address = baseline.address();
  const baselineUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  process.stdout.write(
    `GET ${values.path} (${bytes.length} bytes)${values.uncached ? ', gateway cache off' : ''}, ${connections} connections, ${seconds}s per run, database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}\n`,
  );
  try {
    const results = await compare(Number(values.rounds), [
      {
        label: 'node:http (same bytes)',
        run: () => load('node:http (same bytes)', baselineUrl, { seconds, connections }),
      },
      {
        label: 'gateway -> catalog',
        run: () => load('gateway -> catalog', url, { seconds, connections }),
      },
    ]);
    summarize(results, 'node:http (same bytes)');
  } finally {
    baseline.close();
    await system.stop();
  }
}

runScript(main);
