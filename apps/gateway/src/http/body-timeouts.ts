import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { answerClientError } from './edge-errors';
import { noteAnsweredOutsideReply } from './request-hooks';
import { carriesBody } from './request-body';
import { routeConfigOf } from './route-config';

export interface BodyTimeouts {
  /** A JSON body must arrive whole within this long, however steadily it trickles. */
  bodyMs: number;
  /** An upload may take as long as it needs, but never stall (no bytes) for this long. */
  uploadIdleMs: number;
}

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
    if (!(socket instanceof Socket) || incoming.complete || !carriesBody(incoming)) return done();
    const onTimeout = () => {
      if (!incoming.complete) timedOut(incoming, socket);
    };
    // A keep-alive connection carries many requests: what one request set up on its socket is
    // undone when its body ends, or each request would leave a listener (and a timer) behind.
    let settle: () => void;
    // Video uploads (@UploadRoute('video')) take raw bodies of any length: the stall bound only.
    if (routeConfigOf(request).upload === 'video') {
      // On the request, not the socket: Node destroys a timed-out socket unless the request (or
      // response, or server) handles 'timeout', which would drop the 408 unsent.
      incoming.setTimeout(timeouts.uploadIdleMs, onTimeout);
      // Once the body is in, storing it may take a while; the connection is not idle then.
      settle = () => {
        socket.setTimeout(0);
        incoming.off('timeout', onTimeout);
      };
    } else {
      const timer = setTimeout(onTimeout, timeouts.bodyMs);
      timer.unref();
      settle = () => clearTimeout(timer);
    }
    const settled = () => {
      settle();
      incoming.off('end', settled);
      socket.off('close', settled);
    };
    incoming.once('end', settled);
    socket.once('close', settled);
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
