import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { answerClientError } from './edge-errors';
import { noteAnsweredOutsideReply } from './request-hooks';

export interface BodyTimeouts {
  /** A JSON body must arrive whole within this long, however steadily it trickles. */
  bodyMs: number;
  /** An upload may take as long as it needs, but never stall (no bytes) for this long. */
  uploadIdleMs: number;
}

/** Upload routes take raw video bodies of any length: they get the stall bound only. */
const isUpload = (method: string, route: string | undefined) =>
  method === 'POST' && route !== undefined && route.endsWith('/video');

/**
 * Bounds on receiving a body. Node's own `requestTimeout` covers a whole request, so it would cut
 * long uploads too; here JSON bodies get a total bound and uploads a stall bound. A body that
 * misses its bound is answered 408 (problem+json) and the connection closed, which frees the
 * socket a slow client (1 byte a second) would otherwise hold for ever.
 */
export function registerBodyTimeouts(fastify: FastifyInstance, timeouts: BodyTimeouts): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const incoming = request.raw;
    const socket = incoming.socket;
    if (!(socket instanceof Socket) || incoming.complete) return done();
    if (isUpload(request.method, request.routeOptions.url)) {
      // On the request, not the socket: Node destroys a timed-out socket unless the request (or
      // response, or server) handles 'timeout', which would drop the 408 unsent.
      incoming.setTimeout(timeouts.uploadIdleMs, () => {
        if (!incoming.complete) timedOut(incoming, socket);
      });
      // Once the body is in, storing it may take a while; the connection is not idle then.
      incoming.once('end', () => socket.setTimeout(0));
    } else {
      const timer = setTimeout(() => {
        if (!incoming.complete) timedOut(incoming, socket);
      }, timeouts.bodyMs);
      timer.unref();
      incoming.once('end', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    }
    done();
  });
}

function timedOut(incoming: IncomingMessage, socket: Socket): void {
  incoming.unpipe();
  noteAnsweredOutsideReply(incoming, 408);
  answerClientError(
    Object.assign(new Error('request body timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
    socket,
  );
}
