import { createServer } from 'node:net';

/**
 * IPv6 loopback. A browser may try it first for `localhost`, so a server of someone else's there
 * would answer the URLs Kinema prints for its public port.
 */
export const IPV6_LOOPBACK = '::1';

/** Errors that say this machine has no such address: nothing can listen there. */
const ADDRESS_ABSENT = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/**
 * Resolves true when nothing listens on host:port (we could bind it), or when this machine has no
 * such address (IPv6 switched off), where nothing can.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error) => resolve(addressAbsent(error)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether a listen failed because the address does not exist here (see isPortFree). */
export function addressAbsent(error: unknown): boolean {
  return ADDRESS_ABSENT.has((error as NodeJS.ErrnoException).code ?? '');
}
