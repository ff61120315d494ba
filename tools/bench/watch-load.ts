// Steady load on a running `npm start` and, every second, what it saw: requests, failures, and
// which replicas answered. Run it in a second terminal while you scale or restart services.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/watch-load.ts [http://localhost:3000] [--workers 6]
import { parseArgs } from 'node:util';
import {
  failures,
  SteadyLoad,
  uncachedCatalogPath,
  type Sample,
  type Worker,
} from '@kinema/dev-infra';

function summary(samples: Sample[]): string {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    for (const name of sample.servedBy) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const failed = failures(samples);
  const served = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name} ${count}`)
    .join('  ');
  const why = [
    ...new Set(failed.map((s) => (s.status === 0 ? (s.error ?? 'no answer') : String(s.status)))),
  ];
  return `${String(samples.length).padStart(5)} requests  ${String(failed.length).padStart(3)} failed${why.length ? ` (${why.join(', ')})` : ''}  |  ${served}`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { workers: { type: 'string', default: '6' } },
  });
  const base = positionals[0] ?? 'http://localhost:3000';
  const load = new SteadyLoad();
  // Pages the gateway's cache most likely does not hold: nearly every request reaches a catalog.
  const reader: Worker = async () => [
    await load.request('read', `${base}${uncachedCatalogPath()}`),
  ];
  load.start(Array.from({ length: Number(values.workers) }, () => reader));
  process.stdout.write(`Loading ${base} with ${values.workers} workers; Ctrl-C to stop.\n`);
  let mark = load.mark();
  let totalFailed = 0;
  const timer = setInterval(() => {
    const samples = load.since(mark);
    mark += samples.length;
    totalFailed += failures(samples).length;
    process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${summary(samples)}\n`);
    if (samples.some((s) => s.status === 429)) {
      process.stdout.write(
        '          429: the gateway limits one client address; start it with RATE_LIMIT_REQUESTS=1000000 for this demo\n',
      );
    }
  }, 1_000);
  process.once('SIGINT', () => {
    clearInterval(timer);
    void load.stop().then((all) => {
      process.stdout.write(
        `\n${all.length} requests, ${totalFailed + failures(load.since(mark)).length} failed.\n`,
      );
      process.exit(0);
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
