// Compares two builds of the gateway on the same services: this checkout's (apps/gateway/dist) and
// another (--other, a copy of an earlier build's apps/gateway/dist), loaded in alternating rounds
// with a cached GET /api/v1/titles?limit=20 (or --path), always in the same order so that every
// run follows the other build's. Each round prints the rate and the gateway's CPU per request;
// then the medians and their ratios. Both gateways trace as deployed. --signed-in reads as a newly
// registered viewer, with its bearer token and its profile, as gateway-titles.ts --signed-in does.
// Usage:
//   npx nx run gateway:build && cp -r apps/gateway/dist /tmp/gateway-before
//   (change the gateway, then) npx nx run gateway:build
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/gateway-builds.ts --other /tmp/gateway-before
//     [--seconds 5] [--rounds 8] [--path /api/v1/browse] [--signed-in]
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, runScript } from '@kinema/dev-infra';
import {
  cpuMs,
  deployedTracing,
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
    },
  });
  if (!values.other) throw new Error('--other <dir>: a copy of another build of apps/gateway/dist');
  const otherMain = resolve(values.other, 'main.js');
  if (!existsSync(otherMain)) throw new Error(`no gateway build at ${otherMain}`);
  const system = await startBenchSystem({ env: deployedTracing() });
  try {
    const thisBuild = await startSecondGateway(system, 'gateway-this');
    const otherBuild = await startSecondGateway(system, 'gateway-other', {
      args: (args) => args.map((arg) => (arg.endsWith(THIS_MAIN) ? otherMain : arg)),
      // The copy lives outside the repository: its packages are this checkout's.
      env: {
        NODE_PATH: [
          join(REPO_ROOT, 'apps/gateway/node_modules'),
          join(REPO_ROOT, 'node_modules'),
        ].join(delimiter),
      },
    });
    const contenders = [
      { label: 'this build', process: thisBuild },
      { label: 'other build', process: otherBuild },
    ];
    const headers = values['signed-in'] ? await registerViewer(system.gatewayUrl) : {};
    const opts = { seconds: Number(values.seconds), connections: 32, headers };
    process.stdout.write(
      `GET ${values.path}${values['signed-in'] ? ', signed in with a profile' : ''}, 32 connections, ${values.seconds}s per run, two gateways on the same services (other build: ${otherMain}), traces sampled as deployed\n`,
    );
    // Each gateway's first answer goes through the pipeline and leaves the cached representation.
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
          const before = cpuMs(gatewayProcess.pid);
          const result = await load(label, url, opts);
          costs
            .get(label)
            ?.push((cpuMs(gatewayProcess.pid) - before) / Math.max(1, result.requests));
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

runScript(main);
