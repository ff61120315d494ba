import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '@kinema/dev-infra';

/**
 * The system as `npm start` runs it (500 demo titles), on ports the OS picks, in a fresh data
 * directory, with the per-client limits one load generator would hit lifted. On a server
 * (DATABASE_URL) its databases are kinema_bench_*, apart from the tests'. `stop` removes the data.
 */
export async function startBenchSystem(): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-'));
  const system = await startSystem({
    dataDir,
    ephemeralPorts: true,
    demoTitles: 500,
    logLevel: 'warn',
    env: {
      ...process.env,
      DATABASE_NAME_PREFIX: 'kinema_bench',
      RATE_LIMIT_AUTH_PER_IP: '1000000',
      RATE_LIMIT_AUTH_PER_EMAIL: '1000000',
      RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: '1000000',
      RATE_LIMIT_REQUESTS: '10000000',
    },
    sink: () => undefined,
  });
  return {
    ...system,
    stop: async () => {
      await system.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process, in MiB (Linux). */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}
