// The bare node:http baseline: answers every request with the same bytes and headers, sent by the
// parent over IPC. Started through startBytesServer, never in the load generator's process.
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import {
  announceListening,
  firstMessage,
  startServerProcess,
  type ServerProcess,
} from './server-process';

interface BytesToServe {
  body: Buffer;
  headers: OutgoingHttpHeaders;
}

/** A bare node:http server in a process of its own, answering `body` with `headers` to every request. */
export function startBytesServer(
  body: Buffer,
  headers: OutgoingHttpHeaders,
): Promise<ServerProcess> {
  return startServerProcess(__filename, [], { body, headers } satisfies BytesToServe);
}

async function serve(): Promise<void> {
  const { body, headers } = await firstMessage<BytesToServe>();
  const bytes = Buffer.from(body);
  const all = { ...headers, 'content-length': bytes.length };
  const server = createServer((_req, res) => {
    res.writeHead(200, all);
    res.end(bytes);
  });
  server.listen(0, '127.0.0.1', () => announceListening(server));
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) void serve();
