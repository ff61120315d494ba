import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Weak validator of a computed body: changes whenever its bytes do. */
export function weakEtagOfBytes(bytes: Buffer | string): string {
  return `W/"${createHash('sha1').update(bytes).digest('base64url')}"`;
}

/** Weak validator for a computed representation (lists, rows): changes whenever the bytes do. */
export function weakEtagOf(body: unknown): string {
  return weakEtagOfBytes(JSON.stringify(body));
}

/** Strong validator of a versioned resource; the same value is accepted in If-Match. */
export function versionEtag(version: number): string {
  return `"${version}"`;
}

/** Whether If-None-Match (or If-Match) names this entity tag, weakly compared. */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header === '*' || header.split(',').some((candidate) => bare(candidate) === bare(etag));
}

export interface CacheHeaderOptions {
  etag: string;
  maxAgeSeconds: number;
  personal?: boolean;
}

/**
 * The Cache-Control of a read. A personal answer (a profile's ceiling or rows) must never be
 * served to someone else by a shared cache; the client's own cache still revalidates it with the
 * ETag.
 */
export function cacheControl(options: Omit<CacheHeaderOptions, 'etag'>): string {
  return options.personal ? 'private, no-cache' : `public, max-age=${options.maxAgeSeconds}`;
}

/** Sets ETag and Cache-Control on a read; true when If-None-Match matches (the answer is 304). */
export function cacheHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  options: CacheHeaderOptions,
): boolean {
  void reply.header('etag', options.etag);
  void reply.header('cache-control', cacheControl(options));
  if (!matches(request.headers['if-none-match'], options.etag)) return false;
  void reply.status(304);
  return true;
}

/**
 * Sets ETag and Cache-Control on a read and answers 304 (no body) when If-None-Match matches.
 * Returns the body to send, or undefined for a 304.
 */
export function cacheableRead<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  body: T,
  options: Omit<CacheHeaderOptions, 'etag'> & { etag?: string },
): T | undefined {
  const etag = options.etag ?? weakEtagOf(body);
  return cacheHeaders(request, reply, { ...options, etag }) ? undefined : body;
}

/** Reads If-Match as an expected version: undefined when absent; null when not a version tag. */
export function expectedVersionFrom(ifMatch: string | undefined): number | undefined | null {
  if (ifMatch === undefined) return undefined;
  const match = /^"(\d{1,9})"$/.exec(ifMatch.trim());
  return match ? Number(match[1]) : null;
}
