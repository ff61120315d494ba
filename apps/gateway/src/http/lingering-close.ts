import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { carriesBody } from './request-body';

/**
 * How long the gateway keeps reading, and dropping, the rest of a body it answered without
 * reading through (refused as too large, of the wrong type, or by a guard) before it ends the
 * connection.
 */
export const LINGER_MS = 5_000;

/**
 * A lingering close (RFC 9112 §9.6; nginx's `lingering_time`), which neither Node nor Fastify
 * provides: Fastify answers a refused body with `connection: close`, and closing a socket that
 * still has unread input makes the kernel send a reset, which can destroy the answer before the
 * client has read it (a client still uploading sees "connection reset" instead of the 413). Here
 * the answer goes out on a connection that stays open while the rest of the body is read and
 * dropped, for at most LINGER_MS; after that the connection can carry the next request.
 */
export function registerLingeringClose(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const incoming = request.raw;
    if (!incoming.complete && carriesBody(incoming)) {
      if (reply.getHeader('connection') === 'close') reply.removeHeader('connection');
      reply.raw.once('finish', () => dropRest(incoming));
    }
    done(null, payload);
  });
}

function dropRest(incoming: IncomingMessage): void {
  const socket = incoming.socket;
  // Requests injected without a network (tests, light-my-request) have no socket to linger on.
  if (incoming.complete || !(socket instanceof Socket)) return;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    incoming.off('end', stop);
    socket.off('close', stop);
  };
  incoming.once('end', stop);
  socket.once('close', stop);
  // Whoever was reading the body (a parser, an upload) has given up on it.
  incoming.unpipe();
  incoming.removeAllListeners('data');
  incoming.resume();
}
