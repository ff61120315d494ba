import type { AddressInfo } from 'node:net';
import { serveHealth } from './health-server';

describe('the health endpoint of a load generator in a pod', () => {
  it('answers 200 while the run is alive, 503 once it stalls, and nothing else', async () => {
    let alive = true;
    const server = await serveHealth(0, () => alive);
    const { port } = server.address() as AddressInfo;
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    try {
      expect((await fetch(url('/healthz'))).status).toBe(200);
      alive = false;
      const stalled = await fetch(url('/healthz'));
      expect({ status: stalled.status, body: await stalled.json() }).toEqual({
        status: 503,
        body: { status: 'stalled' },
      });
      expect((await fetch(url('/metrics'))).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
