// What sending an answer costs a server on this machine, against how busy the server is: bare
// node:http servers answering the same bytes (the cached titles page's size), each doing a fixed
// amount of CPU work per request first (--busy, in µs), each in a process of its own, loaded alike
// in alternating rounds. Each server times its res.end() calls (node:http sends the headers and
// the body in one writev there) and reports the time per request over IPC. On loopback the
// sender's writev also runs the receiver's side of TCP and wakes the load generator if it waits
// for an answer; the less busy the load generator (the slower the server), the more often it waits.
// Usage: npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/send-cost.ts [--busy 0,25,50]
//   [--bytes 19681] [--seconds 8] [--rounds 3] [--connections 32]
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuMs } from './lib/bench-system';
import { compare, load, median, summarize, type RoundResult } from './lib/load';
import { announceListening, firstMessage, startServerProcess } from './lib/server-process';

interface Serving {
  bytes: number;
  busyMicros: number;
}

/** What a server sent since it was last asked. */
interface Sent {
  requests: number;
  sendNs: number;
}

/** Run in the child: the server, and its count of sends, given (and reset) when the parent asks. */
async function serve(): Promise<void> {
  const { bytes, busyMicros } = await firstMessage<Serving>();
  const body = Buffer.alloc(bytes, 'x');
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes };
  const busyNs = BigInt(busyMicros * 1000);
  let sent: Sent = { requests: 0, sendNs: 0 };
  const server = createServer((_request, response) => {
    // The work a server does before it answers, as CPU alone (no allocation, no I/O).
    const until = process.hrtime.bigint() + busyNs;
    while (process.hrtime.bigint() < until);
    response.writeHead(200, headers);
    const started = process.hrtime.bigint();
    response.end(body);
    sent.sendNs += Number(process.hrtime.bigint() - started);
    sent.requests++;
  });
  process.on('message', () => {
    process.send?.(sent);
    sent = { requests: 0, sendNs: 0 };
  });
  server.listen(0, '127.0.0.1', () => announceListening(server));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      busy: { type: 'string', default: '0,25,50' },
      bytes: { type: 'string', default: '19681' },
      seconds: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const bytes = Number(values.bytes);
  const busy = values.busy.split(',').map(Number);
  // A server's label, in its rounds and medians; the first server's is the baseline.
  const labelOf = (busyMicros: number | undefined) => `busy ${busyMicros} µs`;
  process.stdout.write(
    `node:http answering ${bytes} bytes after a fixed CPU cost per request, each server in a process of its own, ${connections} connections, ${seconds}s per run\n`,
  );
  const servers = await Promise.all(
    busy.map((busyMicros) =>
      startServerProcess(__filename, [], { bytes, busyMicros } satisfies Serving),
    ),
  );
  const costs = new Map<string, { cpuUs: number; sendUs: number }[]>();
  try {
    const results = await compare(
      Number(values.rounds),
      servers.map((server, i) => {
        const label = labelOf(busy[i]);
        costs.set(label, []);
        return {
          label,
          warmUp: () => load(label, server.url, { seconds: 2, connections }),
          run: async (): Promise<RoundResult> => {
            await server.ask('reset');
            const cpuBefore = cpuMs(server.pid);
            const result = await load(label, server.url, { seconds, connections });
            const sent = await server.ask<Sent>('report');
            const cpuUs = ((cpuMs(server.pid) - cpuBefore) * 1000) / sent.requests;
            const sendUs = sent.sendNs / 1000 / sent.requests;
            costs.get(label)?.push({ cpuUs, sendUs });
            return {
              ...result,
              detail: `CPU ${cpuUs.toFixed(1)} µs a request, of which sending ${sendUs.toFixed(1)} µs`,
            };
          },
        };
      }),
    );
    summarize(results, labelOf(busy[0]));
    process.stdout.write('  CPU per request (medians):\n');
    for (const [label, runs] of costs) {
      const cpuUs = median(runs.map((c) => c.cpuUs));
      const sendUs = median(runs.map((c) => c.sendUs));
      process.stdout.write(
        `    ${label.padEnd(12)} ${cpuUs.toFixed(1)} µs, of which sending ${sendUs.toFixed(1)} µs\n`,
      );
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  if (process.send) void serve();
  else void main();
}
