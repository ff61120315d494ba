import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cacheHeaders, type CacheHeaderOptions } from './cache-headers';

/** Bodies under this many bytes are sent as they are (the same threshold as @fastify/compress). */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/**
 * What the gateway sends for a cacheable read, ready to go out again: the JSON bytes, their
 * validator and, for larger bodies, the gzip encoding once a client has taken it. A cache hit
 * sends these bytes as they are: no parse, no mapping, no hashing, no serialisation, and no
 * compression after the first client that takes gzip.
 */
export interface Representation {
  body: Buffer;
  etag: string;
  /** Made by gzipOf when a client first takes gzip: a read that no client takes gzip of never pays for it. */
  gzip?: Buffer;
  /** Never for shared caches, whoever asks (a draft). */
  personal?: boolean;
}

/** Weak validator of a computed body: changes whenever its bytes do. */
export function weakEtagOfBytes(bytes: Buffer | string): string {
  return `W/"${createHash('sha1').update(bytes).digest('base64url')}"`;
}

export function jsonRepresentation(
  value: unknown,
  options: { etag?: string; personal?: boolean } = {},
): Representation {
  const body = Buffer.from(JSON.stringify(value));
  return {
    body,
    etag: options.etag ?? weakEtagOfBytes(body),
    ...(options.personal ? { personal: true } : {}),
  };
}

/** The gzip encoding of a representation large enough to compress, made once and kept with it. */
export function gzipOf(representation: Representation): Buffer | undefined {
  if (representation.body.length < COMPRESS_THRESHOLD_BYTES) return undefined;
  return (representation.gzip ??= gzipSync(representation.body));
}

/** Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`). */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    return !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
  });
}

/**
 * Sends a representation as a read: ETag and Cache-Control set, 304 when If-None-Match matches,
 * else the stored bytes (gzip when the client takes it). Returns the payload, undefined for 304.
 */
export function sendRepresentation(
  request: FastifyRequest,
  reply: FastifyReply,
  representation: Representation,
  options: Omit<CacheHeaderOptions, 'etag'>,
): Buffer | undefined {
  const personal = options.personal === true || representation.personal === true;
  if (cacheHeaders(request, reply, { ...options, personal, etag: representation.etag })) {
    return undefined;
  }
  void reply.type('application/json; charset=utf-8');
  const gzip = acceptsGzip(request) ? gzipOf(representation) : undefined;
  if (gzip) {
    void reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return gzip;
  }
  return representation.body;
}
