// Memory the OpenTelemetry SDK and its instrumentations add to each Kinema service process: RSS
// and anonymous memory at ready, with tracing off (OTEL_SDK_DISABLED=true) and on (exporting to
// the embedded OTLP receiver), in alternating rounds of one run.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/tracing-memory.ts
//   [--rounds 3]
import { runScript } from '@kinema/dev-infra';
import { parseArgs } from 'node:util';
import { anonMiB, rssMiB, startBenchSystem } from './lib/bench-system';
import { median } from './lib/load';

const SERVICES = ['gateway', 'catalog', 'users', 'videos'] as const;
const VARIANTS = [
  { label: 'tracing off', env: { OTEL_SDK_DISABLED: 'true' } },
  { label: 'tracing on', env: {} },
] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
  const system = await startBenchSystem();
  const samples = new Map<string, { rss: number[]; anon: number[] }>();
  try {
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const variant of VARIANTS) {
        const line: string[] = [];
        for (const service of SERVICES) {
          await system.restart(service, variant.env);
          const pid = system.supervisor.get(service)?.pid ?? -1;
          const key = `${service} ${variant.label}`;
          const sample = samples.get(key) ?? { rss: [], anon: [] };
          sample.rss.push(rssMiB(pid));
          sample.anon.push(anonMiB(pid));
          samples.set(key, sample);
          line.push(`${service} ${sample.rss.at(-1)} (${sample.anon.at(-1)})`);
        }
        process.stdout.write(
          `  round ${round} ${variant.label.padEnd(12)} MiB at ready: ${line.join(', ')}\n`,
        );
      }
    }
    process.stdout.write('\nmedians, MiB at ready, RSS (anonymous):\n');
    for (const service of SERVICES) {
      const [off, on] = VARIANTS.map((variant) => samples.get(`${service} ${variant.label}`));
      const rss = [median(off?.rss ?? []), median(on?.rss ?? [])];
      const anon = [median(off?.anon ?? []), median(on?.anon ?? [])];
      process.stdout.write(
        `  ${service.padEnd(8)} off ${rss[0]} (${anon[0]})  on ${rss[1]} (${anon[1]})  ` +
          `added ${(rss[1] ?? 0) - (rss[0] ?? 0)} (${(anon[1] ?? 0) - (anon[0] ?? 0)})\n`,
      );
    }
  } finally {
    await system.stop();
  }
}

runScript(main);
