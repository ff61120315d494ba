import { problem, PROBLEM_CONTENT_TYPE } from '@kinema/platform/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import { titleFor } from './problem.filter';
import { UNDECODABLE } from './query-string';
import { securityHeaders } from './security-headers';

/**
 * Answers Fastify writes before any hook or route runs, in the shape of every other error:
 * problem+json with the security headers, and no body to a HEAD. Fastify's defaults answer plain
 * JSON without security headers, with a body even to HEAD (which a client then misreads as the
 * next response). Two places reach here: the server's `clientError` (a request Node cannot parse:
 * headers too large, a timeout, malformed HTTP) and Fastify's `frameworkErrors` (a URL it cannot
 * decode, a path parameter longer than the router takes).
 */
export interface EdgeAnswer {
  status: number;
  detail: string;
  head: boolean;
  requestId?: string;
  instance?: string;
}

const SECURITY_HEADERS = securityHeaders();

function render({ status, detail, head, requestId, instance }: EdgeAnswer) {
  const body = JSON.stringify(
    problem(status, titleFor(status), {
      detail,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
    }),
  );
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'content-type': PROBLEM_CONTENT_TYPE,
    // A HEAD answer states the length its GET would have and carries no bytes.
    'content-length': String(Buffer.byteLength(body)),
    ...(requestId ? { 'x-request-id': requestId } : {}),
  };
  return { headers, body: head ? '' : body };
}

interface ClientError extends Error {
  code?: string;
  /** The bytes Node could not parse (a Buffer; Fastify's types describe its JSON form). */
  rawPacket?: unknown;
}

const CLIENT_ERRORS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    detail: 'The request line and headers are larger than the server accepts.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    detail: 'The request was not received in time.',
  },
};

/** Fastify's `clientErrorHandler`: the connection is answered, then closed, as Node does. */
export function answerClientError(error: ClientError, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
    // The method is the first token of the bytes Node could not parse (when they start a request).
    const head =
      Buffer.isBuffer(error.rawPacket) &&
      error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
    const status = known?.status ?? 400;
    const { headers, body } = render({
      status,
      detail: known?.detail ?? 'The request is not valid HTTP/1.1.',
      head,
    });
    const lines = Object.entries({ ...headers, connection: 'close' }).map(
      ([name, value]) => `${name}: ${value}\r\n`,
    );
    socket.write(`HTTP/1.1 ${status} ${titleFor(status)}\r\n${lines.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

interface FrameworkError extends Error {
  code?: string;
}

const FRAMEWORK_ERRORS: Record<string, { status: number; detail: string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    detail: `The URL's path is not valid: it has ${UNDECODABLE}.`,
  },
  // maxParamLength is far above any id: a longer path parameter names nothing that exists.
  FST_ERR_MAX_PARAM_LENGTH: { status: 404, detail: 'Nothing exists at this path.' },
};

/** Fastify's `frameworkErrors`: errors of the router, met before any hook runs. */
export function answerFrameworkError(
  error: FrameworkError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  const status = known?.status ?? 500;
  const { headers, body } = render({
    status,
    detail: known?.detail ?? 'An unexpected error occurred.',
    head: request.raw.method === 'HEAD',
    requestId: String(request.id),
    instance: request.raw.url?.split('?')[0],
  });
  reply.raw.writeHead(status, headers).end(body);
}
