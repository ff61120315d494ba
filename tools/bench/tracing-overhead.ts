// What tracing costs the catalog read, cached and uncached: the same gateway and catalog run with
// the OpenTelemetry SDK off (OTEL_SDK_DISABLED=true), with the services' default sampler
// (parent-based, DEFAULT_TRACE_SAMPLE_RATIO of new traces) and with every trace kept (what
// `npm start` does), in alternating rounds of one run, each exporting to the embedded OTLP
// receiver (a process of its own), and the load generator (autocannon) in this process.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/tracing-overhead.ts
//   [--seconds 10] [--rounds 3] [--connections 32] [--ratios 0.1,0.01] [--path /api/v1/titles?limit=20]
//   [--only cached|uncached]
// --ratios adds a contender per ratio (parent-based), to choose the default by.
// Each round prints the CPU time per request of the gateway and the catalog: on a shared machine
// the rate moves with everyone else's load, the CPU a request costs much less.
import { DEFAULT_TRACE_SAMPLE_RATIO } from '@kinema/platform/telemetry';
import { runScript } from '@kinema/dev-infra';
import { parseArgs } from 'node:util';
import {
  GATEWAY_UNCACHED,
  cpuMs,
  deployedTracing,
  SDK_EXPORT_DELAY,
  startBenchSystem,
} from './lib/bench-system';
import { compare, load, median, type LoadResult } from './lib/load';

/** A way to run the two processes a read goes through. */
interface Variant {
  label: string;
  env: Record<string, string>;
}

function variants(ratios: number[]): Variant[] {
  const sampled = (ratio: number): Variant => ({
    label: `traced, ratio ${ratio}${ratio === DEFAULT_TRACE_SAMPLE_RATIO ? ' (default)' : ''}`,
    env: deployedTracing(ratio),
  });
  return [
    { label: 'tracing off', env: { OTEL_SDK_DISABLED: 'true' } },
    sampled(DEFAULT_TRACE_SAMPLE_RATIO),
    ...ratios.filter((ratio) => ratio !== DEFAULT_TRACE_SAMPLE_RATIO).map(sampled),
    {
      label: 'traced, every trace kept',
      env: { ...SDK_EXPORT_DELAY, OTEL_TRACES_SAMPLER: 'parentbased_always_on' },
    },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      ratios: { type: 'string', default: '' },
      path: { type: 'string', default: '/api/v1/titles?limit=20' },
      only: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const ratios = values.ratios
    .split(',')
    .filter(Boolean)
    .map((ratio) => Number(ratio));
  if (ratios.some((ratio) => !(ratio >= 0 && ratio <= 1))) {
    throw new Error(`--ratios takes probabilities from 0 to 1, got ${values.ratios}`);
  }
  const cached: Record<string, string> = {};
  const passes = [
    { name: 'cached', env: cached },
    { name: 'uncached', env: GATEWAY_UNCACHED },
  ].filter((pass) => !values.only || pass.name === values.only);
  const system = await startBenchSystem();
  const url = `${system.gatewayUrl}${values.path}`;
  const pidOf = (name: string) => system.supervisor.get(name)?.pid ?? -1;
  process.stdout.write(
    `GET ${values.path}, ${connections} connections, ${seconds}s per run, spans exported to the embedded receiver; database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}\n`,
  );
  try {
    for (const pass of passes) {
      process.stdout.write(`\n${pass.name} reads\n`);
      const costs = new Map<string, Array<{ gateway: number; catalog: number }>>();
      const contenders = variants(ratios).map((variant) => ({
        label: variant.label,
        run: async (): Promise<LoadResult> => {
          await system.restart('catalog', variant.env);
          await system.restart('gateway', { ...variant.env, ...pass.env });
          // The first reads fill the cache (and the hot path's aliases) and warm both processes.
          await load('warm-up', url, { seconds: 2, connections });
          const before = { gateway: cpuMs(pidOf('gateway')), catalog: cpuMs(pidOf('catalog')) };
          const result = await load(variant.label, url, { seconds, connections });
          const cost = {
            gateway: (cpuMs(pidOf('gateway')) - before.gateway) / result.requests,
            catalog: (cpuMs(pidOf('catalog')) - before.catalog) / result.requests,
          };
          costs.set(variant.label, [...(costs.get(variant.label) ?? []), cost]);
          process.stdout.write(
            `  CPU ms per request: gateway ${cost.gateway.toFixed(3)}, catalog ${cost.catalog.toFixed(3)}\n`,
          );
          return result;
        },
      }));
      const results = await compare(Number(values.rounds), contenders);
      const off = median((results.get('tracing off') ?? []).map((r) => r.requestsPerSecond));
      process.stdout.write(`\n${pass.name} reads, medians:\n`);
      for (const [label, runs] of results) {
        const rps = median(runs.map((r) => r.requestsPerSecond));
        const p99 = median(runs.map((r) => r.p99Ms));
        const cpu = costs.get(label) ?? [];
        const gateway = median(cpu.map((c) => c.gateway));
        const catalog = median(cpu.map((c) => c.catalog));
        const failed = runs.reduce((sum, r) => sum + r.non2xx, 0);
        process.stdout.write(
          `  ${label.padEnd(30)} ${rps.toFixed(0).padStart(7)} req/s  p99 ${p99.toFixed(1).padStart(6)} ms  ` +
            `${(rps / off).toFixed(2)} of untraced  CPU ms/request gateway ${gateway.toFixed(3)}, catalog ${catalog.toFixed(3)}` +
            `${failed ? `  (${failed} failed!)` : ''}\n`,
        );
      }
    }
  } finally {
    await system.stop();
  }
}

runScript(main);
