import type { Server } from 'node:http';
import { Socket } from 'node:net';
import { isSupervisionMessage } from '@kinema/contracts';

/**
 * Serves the client connections a local supervisor hands over (`npm start`'s launcher owns the
 * public port and passes each accepted socket to the next ready replica, see the launcher's
 * GatewayFront): each is served as if this server had accepted it, so the same keep-alive,
 * timeouts and draining apply. Without an IPC channel (Kubernetes, a gateway run by hand) nothing
 * arrives this way and the gateway serves its own port only.
 */
export function serveHandedConnections(server: Server): void {
  process.on('message', (message: unknown, handle: unknown) => {
    if (!isSupervisionMessage(message) || message.type !== 'kinema.connection') return;
    if (handle instanceof Socket) server.emit('connection', handle);
  });
}
