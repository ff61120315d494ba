// What node:http itself costs inside the gateway's process, against the same server in a process
// of its own and against the gateway's own cached hit: where the gap between the gateway and the
// bare baseline comes from. A gateway is started with lib/in-gateway-servers.cjs preloaded, which
// runs two bare node:http servers in its process beside the gateway's own server; all are loaded
// with the page a gateway answered (GET /api/v1/titles?limit=20 or --path), in alternating rounds:
//   node:http, own process      lib/bytes-server.ts, the baseline of gateway-titles.ts;
//   node:http in the gateway    the same handler in the gateway's process, after its warm-up;
//   + the gateway's headers     the same bytes with the headers the gateway sent with them,
//                               reading the request's headers and listening for the close, as an
//                               early answer does;
//   the gateway's hit           the gateway itself answering the page from its cache.
// Each round prints the rate and the CPU one request cost the process that answered it (the
// gateway's process for the last three, which nothing else loads meanwhile).
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json
//   tools/bench/gateway-process-floor.ts [--seconds 5] [--rounds 5] [--signed-in] [--path ...]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runScript, waitFor } from '@kinema/dev-infra';
import {
  asDeployed,
  loadWithCpu,
  registerViewer,
  startBenchSystem,
  startSecondGateway,
} from './lib/bench-system';
import { startBytesServer } from './lib/bytes-server';
import { compare, load, median, summarize } from './lib/load';

const PRELOAD = resolve(__dirname, 'lib/in-gateway-servers.cjs');
const BASELINE_LABEL = 'node:http, own process';
/** Headers Node writes itself on every answer (the servers' own, not the gateway's choice). */
const NODE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '5' },
      path: { type: 'string', default: '/api/v1/titles?limit=20' },
      'signed-in': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = 32;
  const { env, logLevel } = asDeployed();
  const scratch = mkdtempSync(join(tmpdir(), 'kinema-process-floor-'));
  const system = await startBenchSystem({ env, logLevel });
  const stops: Array<() => Promise<void>> = [() => system.stop()];
  try {
    const headers = values['signed-in'] ? await registerViewer(system.gatewayUrl) : {};
    // The page and the headers a gateway answers it with, for the servers in its process: as
    // the load generator asks for it, not gzipped (fetch would ask for gzip and decode it).
    const sample = await fetch(`${system.gatewayUrl}${values.path}`, {
      headers: { ...headers, 'accept-encoding': 'identity' },
    });
    if (!sample.ok) throw new Error(`the gateway answered ${sample.status}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const answerHeaders: string[] = [];
    sample.headers.forEach((value, name) => {
      if (!NODE_HEADERS.has(name)) answerHeaders.push(name, value);
    });
    const source = join(scratch, 'answer.json');
    const portsFile = join(scratch, 'ports.json');
    writeFileSync(
      source,
      JSON.stringify({ body: body.toString('base64'), headers: answerHeaders }),
    );

    const gateway = await startSecondGateway(system, 'gateway-probe', {
      env: { BENCH_IN_GATEWAY: source, BENCH_IN_GATEWAY_PORTS: portsFile },
      args: (args) => ['--require', PRELOAD, ...args],
    });
    const ports = await portsOf(portsFile);
    const baseline = await startBytesServer(body, {
      'content-type': 'application/json; charset=utf-8',
    });
    stops.unshift(() => baseline.stop());
    process.stdout.write(
      `GET ${values.path} (${body.length} bytes, ${answerHeaders.length / 2} headers from the gateway)${values['signed-in'] ? ', signed in with a profile' : ''}, ${connections} connections, ${seconds}s per run, LOG_LEVEL=${logLevel}, traces sampled as deployed; the gateway's process pid ${gateway.pid}, node:http's own pid ${baseline.pid}\n`,
    );

    const contenders = [
      { label: BASELINE_LABEL, url: baseline.url, pid: baseline.pid },
      { label: 'node:http in the gateway', url: local(ports.bare), pid: gateway.pid },
      { label: "+ the gateway's headers", url: local(ports.shaped), pid: gateway.pid },
      {
        label: "the gateway's hit",
        url: `http://127.0.0.1:${gateway.listeners.http}${values.path}`,
        pid: gateway.pid,
      },
    ];
    const costs = new Map<string, number[]>(contenders.map(({ label }) => [label, []]));
    const results = await compare(
      Number(values.rounds),
      contenders.map(({ label, url, pid }) => ({
        label,
        warmUp: () => load('warm-up', url, { seconds, connections, headers }),
        run: async () => {
          const { result, cpuMsPerRequest } = await loadWithCpu(pid, label, url, {
            seconds,
            connections,
            headers,
          });
          const perRequest = cpuMsPerRequest * 1000;
          costs.get(label)?.push(perRequest);
          return { ...result, detail: `CPU per request: ${perRequest.toFixed(1)} µs` };
        },
      })),
    );
    summarize(results, BASELINE_LABEL);
    const base = median(costs.get(BASELINE_LABEL) ?? []);
    process.stdout.write(`  CPU per request (medians), and against ${BASELINE_LABEL}:\n`);
    for (const [label, perRound] of costs) {
      const cost = median(perRound);
      process.stdout.write(
        `    ${label.padEnd(28)} ${cost.toFixed(1).padStart(6)} µs  ${(cost / base).toFixed(2)}\n`,
      );
    }
  } finally {
    for (const stop of stops) await stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function local(port: number): string {
  return `http://127.0.0.1:${port}/`;
}

/** The ports the preloaded servers listen on, once the gateway's process has written them. */
async function portsOf(file: string): Promise<{ bare: number; shaped: number }> {
  await waitFor(() => existsSync(file), `the ports from ${PRELOAD}`, { intervalMs: 100 });
  return JSON.parse(readFileSync(file, 'utf8')) as { bare: number; shaped: number };
}

runScript(main);
