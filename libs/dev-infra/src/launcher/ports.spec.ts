import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { IPV6_LOOPBACK, isPortFree } from './ports';

describe('whether a port is free', () => {
  it('sees a server on IPv6 loopback, which 127.0.0.1 alone does not', async () => {
    const server = createServer().listen(0, IPV6_LOOPBACK);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      expect(await isPortFree(IPV6_LOOPBACK, port)).toBe(false);
      expect(await isPortFree('127.0.0.1', port)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('counts an address this machine does not have as free: nothing can listen there', async () => {
    // TEST-NET-2 (RFC 5737): assigned to no machine.
    expect(await isPortFree('198.51.100.7', 3000)).toBe(true);
  });
});
