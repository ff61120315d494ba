// Steady load on a running `npm start` and, every second, what it saw: requests, failures, and
// which replicas answered. Run it in a second terminal while you scale or restart services.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/watch-load.ts [http://localhost:3000] [--workers 6]
import { parseArgs } from 'node:util';
import { CATALOG_READ_LIMITS, FIRST_RELEASE_YEAR, latestReleaseYear } from '@kinema/contracts';
import { failures, SteadyLoad, type Sample, type Worker } from '@kinema/dev-infra';

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
  // Pages the gateway's cache does not hold, so that nearly every request reaches a catalog
  // replica: a year range and a page size, one of about a million. The cache keeps 5,000 pages
  // for 30 s at most (CATALOG_CACHE_MAX_ENTRIES, CATALOG_CACHE_TTL_MS), so about 0.5% of requests
  // find theirs there; from 2,800 ranges and sizes, as before, it soon held them all and answered
  // nearly every request itself.
  const draw = (from: number, to: number) => from + Math.floor(Math.random() * (to - from + 1));
  const reader: Worker = async () => {
    // Two years drawn alike: every range about as likely as another.
    const years = [0, 0].map(() => draw(FIRST_RELEASE_YEAR, latestReleaseYear()));
    const [from, to] = [Math.min(...years), Math.max(...years)];
    const limit = draw(1, CATALOG_READ_LIMITS.maxPageSize);
    return [
      await load.request(
        'read',
        `${base}/api/v1/titles?limit=${limit}&yearFrom=${from}&yearTo=${to}`,
      ),
    ];
  };
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
