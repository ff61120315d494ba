import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { cacheControl, matches, weakEtagOfBytes, type CacheHeaderOptions } from './cache-headers';

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

/**
 * Bytes a cache may keep, in memory of their own. A Buffer under half of `Buffer.poolSize` (64 KiB
 * on Node 26), as `Buffer.from`, `Buffer.concat` and zlib make them, is a slice of a slab shared
 * with whatever was allocated beside it, and a kept slice keeps its whole slab alive: a cache
 * counting its bytes would hold more than it counts (docs/performance.md, memory of the whole
 * demo).
 */
export function ownBytes(bytes: Buffer): Buffer {
  if (bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const own = Buffer.allocUnsafeSlow(bytes.byteLength);
  bytes.copy(own);
  return own;
}

/** Text as UTF-8 bytes in memory of their own (see ownBytes). */
export function ownUtf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

export function jsonRepresentation(
  value: unknown,
  options: { etag?: string; personal?: boolean } = {},
): Representation {
  const body = ownUtf8(JSON.stringify(value));
  return {
    body,
    etag: options.etag ?? weakEtagOfBytes(body),
    ...(options.personal ? { personal: true } : {}),
  };
}

/** The gzip encoding of a representation large enough to compress, made once and kept with it. */
export function gzipOf(representation: Representation): Buffer | undefined {
  if (representation.body.length < COMPRESS_THRESHOLD_BYTES) return undefined;
  return (representation.gzip ??= ownBytes(gzipSync(representation.body)));
}

/**
 * The bytes a cached representation holds at most, what the caches' byte bounds count: its JSON,
 * and its gzip, counted as large as the JSON until a client takes it (gzipOf makes it after the
 * representation is cached; JSON compresses to a fraction of its size).
 */
export function heldBytes(representation: Representation): number {
  const { body, gzip } = representation;
  if (gzip) return body.length + gzip.length;
  return body.length < COMPRESS_THRESHOLD_BYTES ? body.length : 2 * body.length;
}

/** Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`). */
function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const header = headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    return !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
  });
}

/** A representation as a read answers it: 200 with these bytes, or 304 without any. */
export interface RepresentationAnswer {
  status: 200 | 304;
  /** ETag and Cache-Control; for a 200 also the content type and, when gzipped, its encoding. */
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * How a read answers a representation, whoever writes the answer (Fastify's reply or an early
 * answer, http/early-answers.ts): ETag and Cache-Control, 304 when If-None-Match matches, else
 * the stored bytes (gzip when the client takes it).
 */
export function representationAnswer(
  requestHeaders: IncomingHttpHeaders,
  representation: Representation,
  options: Omit<CacheHeaderOptions, 'etag'>,
): RepresentationAnswer {
  const personal = options.personal === true || representation.personal === true;
  const headers: Record<string, string> = {
    etag: representation.etag,
    'cache-control': cacheControl({ ...options, personal }),
  };
  const ifNoneMatch = requestHeaders['if-none-match'];
  if (matches(ifNoneMatch, representation.etag)) return { status: 304, headers };
  headers['content-type'] = 'application/json; charset=utf-8';
  const gzip = acceptsGzip(requestHeaders) ? gzipOf(representation) : undefined;
  if (!gzip) return { status: 200, headers, body: representation.body };
  headers['content-encoding'] = 'gzip';
  headers['vary'] = 'accept-encoding';
  return { status: 200, headers, body: gzip };
}

/**
 * Sends a representation as a read (representationAnswer) through Fastify's reply. Returns the
 * payload, undefined for 304.
 */
export function sendRepresentation(
  request: FastifyRequest,
  reply: FastifyReply,
  representation: Representation,
  options: Omit<CacheHeaderOptions, 'etag'>,
): Buffer | undefined {
  return replyWith(reply, representationAnswer(request.headers, representation, options));
}

/** Puts an answer's status and headers on Fastify's reply; returns its payload. */
export function replyWith(reply: FastifyReply, answer: RepresentationAnswer): Buffer | undefined {
  const { vary, ...headers } = answer.headers;
  void reply.status(answer.status).headers(headers);
  if (vary) {
    const varies = reply.getHeader('vary');
    void reply.header('vary', addedVary(varies === undefined ? undefined : String(varies), vary));
  }
  return answer.body;
}

/** An answer's Vary added to what the edge varies on (CORS's Origin), not in its place. */
export function addedVary(varies: string | undefined, added: string): string {
  return varies === undefined ? added : `${varies}, ${added}`;
}
