// The least an uncached read can cost with the gateway -> gRPC -> service shape and no framework
// at all: a bare node:http server that answers every request with one grpc-js unary call to a bare
// grpc-js server in another process, which returns the page's bytes (no database, no NestJS, no
// validation, mapping, auth, cache, metrics or logs); beside node:http answering the same bytes
// itself. Each server runs in a process of its own (this file again, with --role), never in the
// load generator's. Each round also prints the CPU time one request costs each process, read from
// /proc, and the load generator's own CPU.
// --database <url of a catalog database> makes the service read the page instead: the catalog's
// own statement for `GET /titles?limit=20` (listStatement), named, on a bare pg pool, its rows sent
// as JSON. That is the floor of an uncached read, database included; gateway-titles.ts --floor
// runs it beside the gateway on the bench's own catalog database.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/grpc-hop-floor.ts
//   [--seconds 5] [--rounds 3] [--bytes 19700] [--database postgres://...]
import { Client, credentials, Server, ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the floor runs the catalog's own statement, not a copy of it
import { listStatement } from '../../apps/catalog/src/titles/titles-read.repository';
import { cpuMs } from './lib/bench-system';
import { FLOOR_SCRIPT, startHopFloor } from './lib/hop-floor';
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
    database: { type: 'string', default: '' },
  },
});
const page = Buffer.alloc(Number(values.bytes), 'x');

/** The catalog's connection pool size when DATABASE_POOL_MAX is unset (service-config.ts). */
const SERVICE_POOL_MAX = 10;

/** The first page of `GET /titles?limit=20` for an anonymous viewer, read as the catalog reads it. */
function pageFromDatabase(url: string): () => Promise<Buffer> {
  const pool = new Pool({ connectionString: url, max: SERVICE_POOL_MAX });
  const statement = {
    name: 'floor_titles_page',
    ...listStatement({ sort: 'name', visibility: { includeDrafts: false }, limit: 20 }, 'name'),
  };
  return async () => Buffer.from(JSON.stringify((await pool.query(statement)).rows));
}

function serveGrpc(): void {
  const answer = values.database ? pageFromDatabase(values.database) : async () => page;
  const server = new Server();
  server.addService(GET_PAGE, {
    getPage: (_call: unknown, callback: (error: Error | null, page?: Buffer) => void) =>
      answer().then(
        (bytes) => callback(null, bytes),
        (error: Error) => callback(error),
      ),
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

async function bench(): Promise<void> {
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const answer = ['--bytes', values.bytes, '--database', values.database];
  const floor = await startHopFloor(answer);
  const { edge: gateway, service } = floor;
  const bare = await startServerProcess(FLOOR_SCRIPT, ['--role', 'http', ...answer]).catch(
    async (error: unknown) => {
      await floor.stop();
      throw error;
    },
  );
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
    const what = values.database ? 'the page read from the database' : `${values.bytes} bytes`;
    console.log(`\nmedians of ${rounds} rounds, ${what} a response:`);
    console.log(`  node:http             ${base.toFixed(0).padStart(7)} req/s`);
    console.log(
      `  node:http -> grpc-js  ${hop.toFixed(0).padStart(7)} req/s  ratio ${(hop / base).toFixed(3)}  CPU ms per request: gateway ${median(gatewayCpu).toFixed(3)}, service ${median(serviceCpu).toFixed(3)}`,
    );
    console.log(
      `  load generator CPU (median of every run): ${median(loadCpu).toFixed(0)}% of a core`,
    );
  } finally {
    await Promise.all([bare.stop(), floor.stop()]);
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
