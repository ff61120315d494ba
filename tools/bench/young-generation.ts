// What capping V8's young generation (KINEMA_MAX_SEMI_SPACE_MB, the launcher's default 8) costs in
// throughput and saves in memory: two uncached gateways (CATALOG_CACHE_TTL_MS=0) on the same
// services, one with the cap and one with V8's own sizing, loaded in alternating rounds with
// GET /api/v1/titles?limit=20; then the RSS of each. --cached keeps the gateways' catalog cache on,
// so the rounds measure the cached read instead.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/young-generation.ts
//   [--seconds 5] [--rounds 3] [--cached]
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite (databases kinema_bench_*).
import { parseArgs } from 'node:util';
import { runScript } from '@kinema/dev-infra';
import { rssMiB, startBenchSystem } from './lib/bench-system';
import { compare, load, summarize } from './lib/load';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      cached: { type: 'boolean', default: false },
    },
  });
  const system = await startBenchSystem();
  try {
    const gateway = system.plan.stages.flat().find((spec) => spec.name === 'gateway');
    if (!gateway) throw new Error('no gateway in the plan');
    const cacheEnv: Record<string, string> = values.cached ? {} : { CATALOG_CACHE_TTL_MS: '0' };
    const capped = await system.supervisor.start(
      { ...gateway, name: 'gateway-capped', ports: { http: 0 } },
      cacheEnv,
    );
    const sized = await system.supervisor.start(
      {
        ...gateway,
        name: 'gateway-v8-sized',
        ports: { http: 0 },
        launch: (context) => {
          const launch = gateway.launch(context);
          return {
            ...launch,
            args: launch.args.filter((arg) => !arg.startsWith('--max-semi-space-size')),
          };
        },
      },
      cacheEnv,
    );
    const url = (port?: number) => `http://127.0.0.1:${port}/api/v1/titles?limit=20`;
    const opts = { seconds: Number(values.seconds), connections: 32 };
    const cappedLabel = 'capped (the launcher)';
    process.stdout.write(
      `GET /api/v1/titles?limit=20, gateway cache ${values.cached ? 'on' : 'off'}, 32 connections, ${values.seconds}s per run, database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}\n`,
    );
    const results = await compare(Number(values.rounds), [
      { label: 'V8 sizing', run: () => load('V8 sizing', url(sized.listeners.http), opts) },
      { label: cappedLabel, run: () => load(cappedLabel, url(capped.listeners.http), opts) },
    ]);
    summarize(results, 'V8 sizing');
    process.stdout.write(
      `\ngateway RSS after the runs: V8 sizing ${rssMiB(sized.pid)} MiB, capped ${rssMiB(capped.pid)} MiB\n`,
    );
  } finally {
    await system.stop();
  }
}

runScript(main);
