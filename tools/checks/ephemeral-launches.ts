// Starts the whole system N times in a row with every port left to the OS (as the e2e tests do),
// and reports each launch that failed and every port that two processes reported at once.
// Usage: npx nx run dev-infra:build && npx tsx tools/checks/ephemeral-launches.ts [--launches 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OPS_PATHS } from '@kinema/contracts/supervision';
import { runScript, startSystem } from '@kinema/dev-infra';

interface Outcome {
  ok: boolean;
  processes: number;
  collisions: string[];
  error?: string;
}

async function launchOnce(): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-launch-'));
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: '', S3_ENDPOINT: '' };
  delete env['DATABASE_URL'];
  try {
    const system = await startSystem({
      dataDir,
      env,
      ephemeralPorts: true,
      demoTitles: 10,
      logLevel: 'warn',
      sink: (name, line) => output.push(`${name} | ${line}`),
    });
    try {
      const owners = new Map<number, string>();
      const collisions: string[] = [];
      for (const process of system.supervisor.running) {
        for (const [listener, port] of Object.entries(process.listeners)) {
          if (port === undefined) continue;
          const owner = owners.get(port);
          if (owner) collisions.push(`port ${port}: ${owner} and ${process.spec.name} ${listener}`);
          owners.set(port, `${process.spec.name} ${listener}`);
        }
      }
      const ready = await fetch(`${system.gatewayUrl}${OPS_PATHS.readiness}`);
      return {
        ok: ready.ok && collisions.length === 0,
        processes: system.supervisor.running.length,
        collisions,
        ...(ready.ok ? {} : { error: `gateway /readyz answered ${ready.status}` }),
      };
    } finally {
      await system.stop();
    }
  } catch (error) {
    const eaddrinuse = output.filter((line) => line.includes('EADDRINUSE'));
    return {
      ok: false,
      processes: 0,
      collisions: eaddrinuse,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { launches: { type: 'string', default: '100' } } });
  const launches = Number(values.launches);
  let failures = 0;
  let collisions = 0;
  const started = Date.now();
  for (let i = 1; i <= launches; i++) {
    const outcome = await launchOnce();
    collisions += outcome.collisions.length;
    if (!outcome.ok) failures++;
    process.stdout.write(
      `launch ${String(i).padStart(3)}: ${outcome.ok ? 'ok' : 'FAILED'} (${outcome.processes} processes)` +
        `${outcome.error ? ` ${outcome.error}` : ''}${outcome.collisions.map((c) => `\n  collision: ${c}`).join('')}\n`,
    );
  }
  process.stdout.write(
    `\n${launches} ephemeral launches in ${((Date.now() - started) / 60_000).toFixed(1)} min: ` +
      `${launches - failures} ok, ${failures} failed, ${collisions} port collisions\n`,
  );
  process.exitCode = failures === 0 && collisions === 0 ? 0 : 1;
}

runScript(main);
