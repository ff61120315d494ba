import type { Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Takes a gateway replica out of service without failing a request: it stops accepting
 * connections (the replicas sharing its port, or the Service's other pods, take the new ones),
 * answers what still arrives on open connections with `Connection: close`, and waits for those
 * connections to end. It closes the listening socket itself because Node's http.Server#close also
 * closes idle keep-alive connections at once, racing a client that is just sending its next
 * request on one; clients close idle connections on their own before the Keep-Alive timeout the
 * server announces (HTTP_KEEP_ALIVE_TIMEOUT_MS), which bounds the wait.
 */
export class ConnectionDrain {
  private readonly sockets = new Set<Socket>();
  private draining = false;

  constructor(fastify: FastifyInstance) {
    fastify.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (this.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /** Whether this replica is stopping: every answer closes its connection. */
  get isDraining(): boolean {
    return this.draining;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resolves once every connection has ended, or after `timeoutMs` (what is left is cut). */
  async drain(server: Server, timeoutMs: number): Promise<void> {
    this.draining = true;
    if (server.listening) NetServer.prototype.close.call(server);
    const ended = Promise.all(
      [...this.sockets].map(
        (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ended,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
