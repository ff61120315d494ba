import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Ends keep-alive connections past an age: the first answer sent on a connection older than its
 * limit says `Connection: close`, so the client opens a new one, which the kernel (replicas
 * sharing a port) or the Service (pods) may give to another replica. Without it a client keeps
 * its connections where they are, and a replica restarted or added gets none of its load until
 * the client goes idle. Each connection's limit is `maxAgeMs` less up to a tenth, at random, so
 * the connections opened together (by a restart) do not all reconnect at once, as gRPC's
 * max_connection_age does. Neither Node nor Fastify has an age limit (only a request count,
 * maxRequestsPerSocket, which a busy and an idle client reach at very different times).
 * Returns whether a connection is past its age, for answers written around Fastify's hooks.
 */
export function registerConnectionAgeLimit(
  fastify: FastifyInstance,
  maxAgeMs: number,
): (socket: Socket) => boolean {
  const closeAfter = new WeakMap<Socket, number>();
  fastify.server.on('connection', (socket: Socket) => {
    closeAfter.set(socket, Date.now() + maxAgeMs * (1 - Math.random() / 10));
  });
  const pastAge = (socket: Socket): boolean => {
    const deadline = closeAfter.get(socket);
    return deadline !== undefined && Date.now() >= deadline;
  };
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (pastAge(request.raw.socket)) void reply.header('connection', 'close');
    done(null, payload);
  });
  return pastAge;
}
