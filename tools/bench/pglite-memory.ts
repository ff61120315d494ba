// RSS of the PGlite process (every service's database, each on its own port) once `npm start` is
// ready: first on a fresh data directory (as after `npm start -- --reset`: initdb, migrations, the
// demo seed), then on the same directory again (a warm start).
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/pglite-memory.ts
//   [--titles 500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGLITE_PROCESS, runScript, startSystem } from '@kinema/dev-infra';
import { anonMiB, rssMiB } from './lib/bench-system';

async function measure(
  dataDir: string,
  titles: number,
): Promise<{ rss: number; anon: number; seconds: number }> {
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
    const seconds = (Date.now() - started) / 1000;
    const pid = system.supervisor.get(PGLITE_PROCESS)?.pid ?? -1;
    return { rss: rssMiB(pid), anon: anonMiB(pid), seconds };
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
    process.stdout.write(`PGlite process once npm start is ready (${titles} demo titles), MiB:\n`);
    process.stdout.write(
      `  ${'start'.padEnd(6)} ${'RSS'.padStart(6)} ${'anon'.padStart(6)}  ready in\n`,
    );
    for (const [label, { rss, anon, seconds }] of [
      ['fresh', fresh],
      ['warm', warm],
    ] as const) {
      process.stdout.write(
        `  ${label.padEnd(6)} ${String(rss).padStart(6)} ${String(anon).padStart(6)}  ${seconds.toFixed(1)} s\n`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
