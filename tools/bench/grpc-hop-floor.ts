// The least an uncached read can cost with the gateway -> gRPC -> service shape and no framework
// at all: a bare node:http server that answers every request with one grpc-js unary call to a bare
// grpc-js server in another process, which returns the page's bytes (no database, no NestJS, no
// validation, mapping, auth, cache, metrics or logs); beside node:http answering the same bytes
// itself. Each server runs in a process of its own (this file again, with --role), never in the
// load generator's. Each round also prints the CPU time one request costs each process, read from
// /proc, and the load generator's own CPU.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/grpc-hop-floor.ts
//   [--seconds 5] [--rounds 3] [--bytes 19700]
import { Client, credentials, Server, ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { cpuMs } from './lib/bench-system';
import { load, loadCpuPercent, median, type LoadResult } from './lib/load';
import { announceListening, startServerProcess } from './lib/server-process';

const identity = (bytes: Buffer) => bytes;
const GET_PAGE = {
  getPage: {
    path: '/kinema.bench.v1.Floor/GetPage',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
} as const;

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    target: { type: 'string', default: '' },
    bytes: { type: 'string', default: '19700' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
  },
});
const page = Buffer.alloc(Number(values.bytes), 'x');

function serveGrpc(): void {
  const server = new Server();
  server.addService(GET_PAGE, {
    getPage: (_call: unknown, callback: (error: null, page: Buffer) => void) =>
      callback(null, page),
  });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    announceListening(port);
  });
}

function serveHttp(viaGrpc: boolean): void {
  const client = viaGrpc ? new Client(values.target, credentials.createInsecure()) : undefined;
  const request = Buffer.alloc(0);
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    if (!client) return res.end(page);
    client.makeUnaryRequest(
      GET_PAGE.getPage.path,
      identity,
      identity,
      request,
      { deadline: Date.now() + 5_000 },
      (error?: Error | null, body?: Buffer) => {
        if (error || !body) {
          res.statusCode = 503;
          return res.end();
        }
        res.end(body);
      },
    );
  });
  server.listen(0, '127.0.0.1', () => announceListening(server));
}

function start(role: string, target = '') {
  return startServerProcess(__filename, [
    '--role',
    role,
    '--target',
    target,
    '--bytes',
    values.bytes,
  ]);
}

async function bench(): Promise<void> {
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const service = await start('grpc-service');
  const gateway = await start('http-via-grpc', `127.0.0.1:${service.port}`);
  const bare = await start('http');
  const processes = [bare, gateway, service];
  try {
    const direct: number[] = [];
    const viaGrpc: number[] = [];
    const gatewayCpu: number[] = [];
    const serviceCpu: number[] = [];
    const loadCpu: number[] = [];
    const cpuOf = () => [cpuMs(gateway.pid), cpuMs(service.pid)];
    const run = (label: string, port: number): Promise<LoadResult> =>
      load(label, `http://127.0.0.1:${port}/`, { seconds, connections: 32 });
    for (let round = 1; round <= rounds; round++) {
      const bareRun = await run('node:http', bare.port);
      const [gatewayBefore = 0, serviceBefore = 0] = cpuOf();
      const hopRun = await run('node:http -> grpc-js', gateway.port);
      const [gatewayAfter = 0, serviceAfter = 0] = cpuOf();
      if (bareRun.non2xx || hopRun.non2xx)
        throw new Error('a request failed; the figures would lie');
      direct.push(bareRun.requestsPerSecond);
      viaGrpc.push(hopRun.requestsPerSecond);
      gatewayCpu.push((gatewayAfter - gatewayBefore) / hopRun.requests);
      serviceCpu.push((serviceAfter - serviceBefore) / hopRun.requests);
      loadCpu.push(loadCpuPercent(bareRun), loadCpuPercent(hopRun));
      console.log(
        `  round ${round}: node:http ${bareRun.requestsPerSecond.toFixed(0)} req/s, via grpc-js ${hopRun.requestsPerSecond.toFixed(0)} req/s, CPU ms per request: gateway ${gatewayCpu.at(-1)?.toFixed(3)}, service ${serviceCpu.at(-1)?.toFixed(3)}; load generator CPU ${loadCpuPercent(bareRun).toFixed(0)}% / ${loadCpuPercent(hopRun).toFixed(0)}%`,
      );
    }
    const base = median(direct);
    const hop = median(viaGrpc);
    console.log(`\nmedians of ${rounds} rounds, ${values.bytes} bytes a response:`);
    console.log(`  node:http             ${base.toFixed(0).padStart(7)} req/s`);
    console.log(
      `  node:http -> grpc-js  ${hop.toFixed(0).padStart(7)} req/s  ratio ${(hop / base).toFixed(3)}  CPU ms per request: gateway ${median(gatewayCpu).toFixed(3)}, service ${median(serviceCpu).toFixed(3)}`,
    );
    console.log(
      `  load generator CPU (median of every run): ${median(loadCpu).toFixed(0)}% of a core`,
    );
  } finally {
    await Promise.all(processes.map((server) => server.stop()));
  }
}

if (values.role === 'grpc-service') serveGrpc();
else if (values.role === 'http-via-grpc') serveHttp(true);
else if (values.role === 'http') serveHttp(false);
else
  bench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
