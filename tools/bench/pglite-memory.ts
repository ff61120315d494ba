// RSS of each PGlite process (one per service database) once `npm start` is ready: first on a
// fresh data directory (as after `npm start -- --reset`: initdb, migrations, the demo seed), then
// on the same directory again (a warm start).
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/pglite-memory.ts
//   [--titles 500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runScript, startSystem } from '@kinema/dev-infra';
import { rssMiB } from './lib/bench-system';

const DATABASES = ['pglite-catalog', 'pglite-users', 'pglite-videos'] as const;

async function measure(dataDir: string, titles: number): Promise<Record<string, number>> {
  const started = Date.now();
  const system = await startSystem({
    dataDir,
    ephemeralPorts: true,
    demoTitles: titles,
    logLevel: 'warn',
    env: { ...process.env, KAFKA_BROKERS: '', S3_ENDPOINT: '', DATABASE_URL: '' },
    sink: () => undefined,
  });
  try {
    const rss: Record<string, number> = { 'ready in (s)': (Date.now() - started) / 1000 };
    for (const name of DATABASES) rss[name] = rssMiB(system.supervisor.get(name)?.pid ?? -1);
    return rss;
  } finally {
    await system.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { titles: { type: 'string', default: '500' } } });
  const titles = Number(values.titles);
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-pglite-'));
  try {
    const fresh = await measure(dataDir, titles);
    const warm = await measure(dataDir, titles);
    const total = (rss: Record<string, number>) =>
      DATABASES.reduce((sum, name) => sum + (rss[name] ?? 0), 0);
    process.stdout.write(`PGlite RSS once npm start is ready (${titles} demo titles), MiB:\n`);
    process.stdout.write(
      `  ${'start'.padEnd(6)} ${DATABASES.map((n) => n.padStart(15)).join('')}  total  ready in\n`,
    );
    for (const [label, rss] of [
      ['fresh', fresh],
      ['warm', warm],
    ] as const) {
      process.stdout.write(
        `  ${label.padEnd(6)} ${DATABASES.map((n) => String(rss[n]).padStart(15)).join('')}  ${String(total(rss)).padStart(5)}  ${String(rss['ready in (s)']?.toFixed(1))} s\n`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
