import { OPS_PATHS } from '@kinema/contracts/supervision';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics';

/**
 * Prometheus `/metrics` on a port of its own, for a process whose Nest app is its public port
 * (the gateway): scrapes stay off the Ingress. A second Nest application for one read-only route
 * would double what the gateway loads at start, so this is node:http answering that route alone.
 */
export async function serveMetrics(
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== OPS_PATHS.metrics) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) =>
        response
          .writeHead(200, {
            'content-type': metricsRegistry.contentType,
            'cache-control': 'no-store',
          })
          .end(text),
      (error: unknown) => response.writeHead(500).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
