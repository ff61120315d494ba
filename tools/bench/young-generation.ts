// What the launcher's V8 heap settings (v8Flags: KINEMA_MAX_SEMI_SPACE_MB, default 8, and
// KINEMA_HEAP_GROWING_PERCENT, default 50) cost in throughput and save in memory: two uncached
// gateways (CATALOG_CACHE_TTL_MS=0) on the same services, one with the launcher's flags and one
// with a variant, loaded in alternating rounds with GET /api/v1/titles?limit=20; then the RSS of
// each. The variant is the launcher's flags without the semi-space cap, or --variant="<flags>" in
// place of all of them (--variant="" for V8's own sizing throughout,
// --variant="--max-semi-space-size=8" for the cap without the bounded growth; the = matters, as
// parseArgs reads a next word that starts with -- as an option). --cached keeps the gateways'
// catalog cache on, so the rounds measure the cached read instead.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/young-generation.ts
//   [--seconds 5] [--rounds 3] [--cached] [--variant="<V8 flags>"]
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite (databases kinema_bench_*).
import { parseArgs } from 'node:util';
import { runScript, v8Flags } from '@kinema/dev-infra';
import { GATEWAY_UNCACHED, rssMiB, startBenchSystem, startSecondGateway } from './lib/bench-system';
import { compare, load, summarize } from './lib/load';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      cached: { type: 'boolean', default: false },
      variant: { type: 'string' },
    },
  });
  const system = await startBenchSystem();
  try {
    const cacheEnv: Record<string, string> = values.cached ? {} : GATEWAY_UNCACHED;
    const launcher = await startSecondGateway(system, 'gateway-launcher', { env: cacheEnv });
    const launcherFlags = v8Flags(process.env);
    const variantFlags =
      values.variant === undefined
        ? launcherFlags.filter((flag) => !flag.startsWith('--max-semi-space-size'))
        : values.variant.split(' ').filter(Boolean);
    const variant = await startSecondGateway(system, 'gateway-variant', {
      args: (args) => [...variantFlags, ...args.filter((arg) => !launcherFlags.includes(arg))],
      env: cacheEnv,
    });
    const url = (port?: number) => `http://127.0.0.1:${port}/api/v1/titles?limit=20`;
    const opts = { seconds: Number(values.seconds), connections: 32 };
    const launcherLabel = `launcher: ${launcherFlags.join(' ') || 'none'}`;
    const variantLabel = `variant: ${variantFlags.join(' ') || "V8's own sizing"}`;
    process.stdout.write(
      `GET /api/v1/titles?limit=20, gateway cache ${values.cached ? 'on' : 'off'}, 32 connections, ${values.seconds}s per run, database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}\n`,
    );
    const results = await compare(Number(values.rounds), [
      { label: variantLabel, run: () => load(variantLabel, url(variant.listeners.http), opts) },
      { label: launcherLabel, run: () => load(launcherLabel, url(launcher.listeners.http), opts) },
    ]);
    summarize(results, variantLabel);
    process.stdout.write(
      `\ngateway RSS after the runs: ${variantLabel} ${rssMiB(variant.pid)} MiB, ${launcherLabel} ${rssMiB(launcher.pid)} MiB\n`,
    );
  } finally {
    await system.stop();
  }
}

runScript(main);
