// Compares two builds of the gateway on the same services: this checkout's (apps/gateway/dist) and
// another (--other, a copy of an earlier build's apps/gateway/dist), loaded in alternating rounds
// with a cached GET /api/v1/titles?limit=20 (or --path), always in the same order so that every
// run follows the other build's. Each round prints the rate and the gateway's CPU per request;
// then the medians and their ratios. Both gateways trace as deployed. --signed-in reads as a newly
// registered viewer, with its bearer token and its profile, as gateway-titles.ts --signed-in does.
// --at-once <rate> loads the builds at the same time instead, each at <rate> requests a second
// (well under what one answers), beside a control (a second gateway of this build): on a shared
// machine whose speed moves from one round to the next, each round's ratio of CPU per request is
// then taken under the same conditions, and the control's ratio shows what is noise.
// --other-env KEY=VALUE,... starts the other gateway with these variables too; without --other it
// is this build, so a setting is compared the same way (e.g. OTEL_TRACES_SAMPLER=parentbased_always_off).
// --uncached runs every gateway with CATALOG_CACHE_TTL_MS=0, as gateway-titles.ts --uncached: each
// request reaches the catalog, so a change to the uncached read is compared (best with --at-once,
// at a rate the catalog answers for all of them, e.g. --at-once 60).
// Usage:
//   npx nx run gateway:build && cp -r apps/gateway/dist /tmp/gateway-before
//   (change the gateway, then) npx nx run gateway:build
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/gateway-builds.ts --other /tmp/gateway-before
//     [--seconds 5] [--rounds 8] [--path /api/v1/browse] [--signed-in] [--at-once 1100]
//     [--other-env KEY=VALUE,...] [--uncached]
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, runScript, type ManagedProcess } from '@kinema/dev-infra';
import {
  GATEWAY_UNCACHED,
  cpuMs,
  deployedTracing,
  loadWithCpu,
  registerViewer,
  startBenchSystem,
  startSecondGateway,
} from './lib/bench-system';
import { compare, load, median, summarize } from './lib/load';

const THIS_MAIN = 'apps/gateway/dist/main.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      other: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '8' },
      path: { type: 'string', default: '/api/v1/titles?limit=20' },
      'signed-in': { type: 'boolean', default: false },
      'at-once': { type: 'string' },
      'other-env': { type: 'string' },
      uncached: { type: 'boolean', default: false },
    },
  });
  const otherEnv = parseEnv(values['other-env']);
  if (!values.other && !otherEnv) {
    throw new Error(
      '--other <dir> (a copy of another build of apps/gateway/dist) or --other-env KEY=VALUE,...',
    );
  }
  const otherMain = values.other ? resolve(values.other, 'main.js') : undefined;
  if (otherMain && !existsSync(otherMain)) throw new Error(`no gateway build at ${otherMain}`);
  const otherDescription = `${otherMain ?? 'this build'}${otherEnv ? ` with ${values['other-env']}` : ''}`;
  process.stdout.write(`other build: ${otherDescription}\n`);
  // Set for every process of the system, CATALOG_CACHE_TTL_MS reaches every gateway started here
  // (the gateway is the only process that reads it).
  const system = await startBenchSystem({
    env: { ...deployedTracing(), ...(values.uncached ? GATEWAY_UNCACHED : {}) },
  });
  try {
    const thisBuild = await startSecondGateway(system, 'gateway-this');
    const otherBuild = await startSecondGateway(system, 'gateway-other', {
      ...(otherMain
        ? { args: (args) => args.map((arg) => (arg.endsWith(THIS_MAIN) ? otherMain : arg)) }
        : {}),
      env: {
        // A copy outside the repository: its packages are this checkout's.
        ...(otherMain
          ? {
              NODE_PATH: [
                join(REPO_ROOT, 'apps/gateway/node_modules'),
                join(REPO_ROOT, 'node_modules'),
              ].join(delimiter),
            }
          : {}),
        ...otherEnv,
      },
    });
    const contenders = [
      { label: 'this build', process: thisBuild },
      { label: 'other build', process: otherBuild },
    ];
    const headers = values['signed-in'] ? await registerViewer(system.gatewayUrl) : {};
    // What each run reads, as both modes' first line names it.
    const read = `GET ${values.path}${values.uncached ? ' uncached' : ''}${values['signed-in'] ? ', signed in with a profile' : ''}`;
    if (values['at-once']) {
      const control = await startSecondGateway(system, 'gateway-control');
      await atOnce([...contenders, { label: 'control (this build)', process: control }], {
        path: values.path,
        rate: Number(values['at-once']),
        seconds: Number(values.seconds),
        rounds: Number(values.rounds),
        headers,
        read,
      });
      return;
    }
    const opts = { seconds: Number(values.seconds), connections: 32, headers };
    process.stdout.write(
      `${read}, 32 connections, ${values.seconds}s per run, two gateways on the same services (other build: ${otherDescription}), traces sampled as deployed\n`,
    );
    // Each gateway's first answer goes through the pipeline and, cached, leaves the representation.
    for (const { process: gatewayProcess } of contenders) {
      const url = `http://127.0.0.1:${gatewayProcess.listeners.http}${values.path}`;
      await load('warm-up', url, { ...opts, seconds: 1 });
    }
    const costs = new Map<string, number[]>(contenders.map(({ label }) => [label, []]));
    const results = await compare(
      Number(values.rounds),
      contenders.map(({ label, process: gatewayProcess }) => ({
        label,
        run: async () => {
          const url = `http://127.0.0.1:${gatewayProcess.listeners.http}${values.path}`;
          const { result, cpuMsPerRequest } = await loadWithCpu(
            gatewayProcess.pid,
            label,
            url,
            opts,
          );
          costs.get(label)?.push(cpuMsPerRequest);
          return result;
        },
      })),
    );
    summarize(results, contenders[1].label);
    process.stdout.write('  gateway CPU ms per request, round by round:\n');
    for (const [label, perRound] of costs) {
      process.stdout.write(
        `    ${label.padEnd(12)} ${perRound.map((ms) => ms.toFixed(3)).join(' ')}\n`,
      );
    }
    const [mine, theirs] = contenders.map(({ label }) => median(costs.get(label) ?? []));
    process.stdout.write(
      `  medians: this build ${mine.toFixed(3)}, other build ${theirs.toFixed(3)}, ratio ${(mine / theirs).toFixed(2)}\n`,
    );
  } finally {
    await system.stop();
  }
}

/**
 * Loads every gateway at the same time at a fixed rate, round after round, and prints each one's
 * CPU per request and, per round, its ratio to the first's; then the medians of those ratios.
 */
async function atOnce(
  gateways: Array<{ label: string; process: ManagedProcess }>,
  options: {
    path: string;
    rate: number;
    seconds: number;
    rounds: number;
    headers: Record<string, string>;
    /** What each run reads, for the first line. */
    read: string;
  },
): Promise<void> {
  const { path, rate, seconds, rounds, headers, read } = options;
  process.stdout.write(
    `${read}, every gateway at ${rate} req/s at the same time, 8 connections each, ${seconds}s per round, traces sampled as deployed\n`,
  );
  const urlOf = (gateway: ManagedProcess) => `http://127.0.0.1:${gateway.listeners.http}${path}`;
  for (const { process: gateway } of gateways) {
    await load('warm-up', urlOf(gateway), { seconds: 5, connections: 8, headers });
  }
  const ratios = new Map<string, number[]>(gateways.map(({ label }) => [label, []]));
  for (let round = 1; round <= rounds; round++) {
    const before = gateways.map(({ process: gateway }) => cpuMs(gateway.pid));
    const results = await Promise.all(
      gateways.map(({ label, process: gateway }) =>
        load(label, urlOf(gateway), { seconds, connections: 8, headers, rate }),
      ),
    );
    const perRequest = gateways.map(
      ({ process: gateway }, index) =>
        (cpuMs(gateway.pid) - before[index]) / Math.max(1, results[index].requests),
    );
    gateways.forEach(({ label }, index) =>
      ratios.get(label)?.push(perRequest[index] / perRequest[0]),
    );
    process.stdout.write(
      `  round ${round}: ${gateways.map(({ label }, index) => `${label} ${perRequest[index].toFixed(3)} ms (${results[index].requestsPerSecond.toFixed(0)} req/s${results[index].non2xx ? `, ${results[index].non2xx} non-2xx!` : ''})`).join(', ')}\n`,
    );
  }
  process.stdout.write(
    `  gateway CPU per request against ${gateways[0].label}, median of the rounds:\n`,
  );
  for (const [label, perRound] of ratios) {
    process.stdout.write(`    ${label.padEnd(22)} ${median(perRound).toFixed(3)}\n`);
  }
}

/** `KEY=VALUE,KEY=VALUE` -> the variables; undefined when not given. */
function parseEnv(list: string | undefined): Record<string, string> | undefined {
  if (!list) return undefined;
  const env: Record<string, string> = {};
  for (const pair of list.split(',')) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--other-env: ${pair} is not KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

runScript(main);
