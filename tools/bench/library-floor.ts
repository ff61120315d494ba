// The resident memory a service's libraries cost before any of Kinema's own code runs: for each
// service, a Node process (the same binary and young-generation cap as the launcher's) that only
// requires the third-party packages the service loads, beside a bare Node process. It tells how
// much of a service's RSS (tools/bench/service-memory.ts) is the stack itself, which no change to
// the services' code can take away.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/library-floor.ts [--rounds 3]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { v8Flags } from '@kinema/dev-infra';
import { anonMiB, rssMiB } from './lib/bench-system';
import { median } from './lib/load';

const ROOT = resolve(__dirname, '../..');

// What every service loads through @kinema/platform besides its own dependencies: logging,
// metrics, the ops HTTP server, Kafka and tracing (the OpenTelemetry SDK, its exporters and
// instrumentations, which each app's instrumentation.ts starts before anything else); the gRPC
// services also serve reflection and health.
const PLATFORM = [
  'pino',
  'prom-client',
  'kafkajs',
  '@nestjs/platform-fastify',
  'fastify',
  ...Object.keys(
    JSON.parse(readFileSync(resolve(ROOT, 'libs/platform/package.json'), 'utf8'))
      .dependencies as Record<string, string>,
  ).filter((name) => name.startsWith('@opentelemetry/')),
];
const GRPC_SERVER = ['@grpc/reflection', 'grpc-health-check'];
const SERVICES = {
  gateway: PLATFORM,
  catalog: [...PLATFORM, ...GRPC_SERVER],
  users: [...PLATFORM, ...GRPC_SERVER],
  videos: [...PLATFORM, ...GRPC_SERVER],
} as const;

// Dependencies a service loads only in a child process of its own, never in the service's: sharp
// runs in the videos service's artwork process (apps/videos/src/artwork/artwork-image-process.ts).
const CHILD_PROCESS_ONLY: readonly string[] = ['sharp'];

/** The service's declared third-party dependencies plus what the platform loads for it. */
function packagesOf(service: keyof typeof SERVICES): string[] {
  const manifest = JSON.parse(readFileSync(resolve(ROOT, 'apps', service, 'package.json'), 'utf8'));
  const own = Object.keys(manifest.dependencies ?? {}).filter(
    (name) => !name.startsWith('@kinema/') && !CHILD_PROCESS_ONLY.includes(name),
  );
  return [...new Set(['reflect-metadata', ...own, ...SERVICES[service]])];
}

// Run by the child: require each package from the service's folder, let start-up settle (timers,
// lazy initialisation), print how many modules it loaded, then idle until the parent has read its
// memory and ends it.
const CHILD = `
const { createRequire } = require('node:module');
const load = createRequire(process.argv[1]);
for (const name of process.argv.slice(2)) load(name);
setTimeout(() => console.log(Object.keys(load.cache).length), 2000);
setInterval(() => undefined, 60000);`;

interface Sample {
  rss: number;
  anon: number;
  modules: number;
}

/** One child's memory, read as service-memory.ts reads a service's (rssMiB, anonMiB). */
async function sample(from: string, packages: readonly string[]): Promise<Sample> {
  const child = spawn(process.execPath, [...v8Flags({}), '-e', CHILD, from, ...packages], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    const modules = await new Promise<number>((resolve, reject) => {
      lines.once('line', (line) => resolve(Number(line)));
      child.once('exit', (code) =>
        reject(new Error(`loading ${packages.join(' ')}: exit ${code}`)),
      );
    });
    const pid = child.pid ?? -1;
    return { rss: rssMiB(pid), anon: anonMiB(pid), modules };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
  const rounds = Number(values.rounds);
  const rows: Array<[string, string[]]> = [['bare node', []]];
  for (const service of Object.keys(SERVICES) as Array<keyof typeof SERVICES>)
    rows.push([service, packagesOf(service)]);
  const samples = new Map<string, Sample[]>(rows.map(([name]) => [name, []]));
  // Alternating rounds, so a busy moment of the machine does not fall on one row only.
  for (let round = 0; round < rounds; round++) {
    for (const [name, packages] of rows) {
      const from = resolve(ROOT, name === 'bare node' ? '.' : `apps/${name}`, 'package.json');
      samples.get(name)?.push(await sample(from, packages));
    }
  }
  const mib = (value: number) => String(value).padStart(5);
  console.log(`\nnode ${process.version}, ${v8Flags({}).join(' ')}, median of ${rounds}`);
  console.log('                RSS MiB  anon MiB  file MiB  modules  packages');
  for (const [name, packages] of rows) {
    const runs = samples.get(name) ?? [];
    const rss = median(runs.map((run) => run.rss));
    const anon = median(runs.map((run) => run.anon));
    const modules = median(runs.map((run) => run.modules));
    console.log(
      `  ${name.padEnd(12)} ${mib(rss)}    ${mib(anon)}     ${mib(rss - anon)}    ${String(modules).padStart(5)}  ${packages.length}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
