import { once } from 'node:events';
import type { Server } from 'node:net';

/**
 * Listens on `host:port`, turning the two errors a user can act on (the port is taken, or needs
 * privileges) into a line that names `what` is starting and where.
 */
export async function listen(
  server: Server,
  port: number,
  host: string,
  what: string,
): Promise<void> {
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`${what}: port ${port} on ${host} is already in use`);
    if (code === 'EACCES')
      throw new Error(`${what}: no permission to listen on port ${port} on ${host}`);
    throw error;
  }
}
