import { OPS_PATHS } from '@kinema/contracts/supervision';
import { createServer, type Server } from 'node:http';

/**
 * Answers GET /healthz with 200 while the run's table keeps being drawn (`alive()`), 503 once
 * it stops: a liveness probe restarts a load generator that hangs. Nothing else is served.
 */
export async function serveHealth(port: number, alive: () => boolean): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== OPS_PATHS.liveness) {
      response.writeHead(404).end();
      return;
    }
    const ok = alive();
    response
      .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: ok ? 'ok' : 'stalled' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
