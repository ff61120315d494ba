import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

/**
 * Whether a request has a body to receive: HTTP/1.1 frames one only with Transfer-Encoding or a
 * non-zero Content-Length (RFC 9112 §6.3), so a request with neither has none, although Node
 * reports it as not yet `complete` while Fastify's onRequest and onSend hooks run for an answer
 * sent from a hook. The hooks that watch a body being received (its timeouts, a lingering close)
 * skip such requests instead of arming a timer and listeners for every GET.
 */
export function carriesBody(incoming: IncomingMessage): boolean {
  const { headers } = incoming;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * What a body parser answers a body its route does not take: 415, naming what kind of body
 * (`a video body`). A request no route takes is answered as such (404, or 405 where other
 * methods are taken) whatever its body: its body passes unread (the lingering close drops the
 * rest), where the parsers' 415 had answered `POST /api/v1/nowhere` with an image or a video
 * (the JSON parser skips such a body likewise).
 */
export function bodyNotTaken(request: FastifyRequest, what: string): Error | null {
  if (request.is404) return null;
  return Object.assign(new Error(`This route does not accept ${what}.`), { statusCode: 415 });
}
