import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probe } from './probe';

describe('probe', () => {
  let server: Server;
  let connections = 0;

  beforeAll(async () => {
    // Keeps connections alive as the gateway does (Keep-Alive: timeout=72).
    server = createServer((_request, response) => response.end('ok'));
    server.keepAliveTimeout = 72_000;
    server.on('connection', () => (connections += 1));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });

  afterAll(() => new Promise((done) => server.close(done)));

  it('checks on a connection of its own each time: none is kept for a stopping server to wait on', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    for (let i = 0; i < 3; i++) expect(await (await probe(url, 2_000)).text()).toBe('ok');
    expect(connections).toBe(3);
  });
});
