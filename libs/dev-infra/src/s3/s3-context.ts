import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { noSuchKey, preconditionFailed } from './s3-error';
import type { ObjectStore, StoredObject, WritePrecondition } from './object-store';
import type { UploadStore } from './upload-store';

/** One parsed path-style S3 request: `/{bucket}/{key}?{subresources}`. */
export interface S3Context {
  req: IncomingMessage;
  res: ServerResponse;
  store: ObjectStore;
  uploads: UploadStore;
  /** Empty for service-level requests (ListBuckets). */
  bucket: string;
  /** Empty for bucket-level requests. */
  key: string;
  query: URLSearchParams;
  requestId: string;
}

export const OWNER = { ID: 'kinema-dev', DisplayName: 'kinema-dev' };

export const header = (ctx: S3Context, name: string): string | undefined => {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export const quoted = (etag: string): string => `"${etag}"`;

export const httpDate = (iso: string): string => new Date(iso).toUTCString();

export function sendXml(
  ctx: S3Context,
  status: number,
  xml: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const body = Buffer.from(xml, 'utf8');
  ctx.res.writeHead(status, {
    ...headers,
    'content-type': 'application/xml',
    'content-length': body.length,
  });
  ctx.res.end(body);
}

export function sendEmpty(ctx: S3Context, status: number, headers: OutgoingHttpHeaders = {}): void {
  ctx.res.writeHead(status, { ...headers, 'content-length': 0 });
  ctx.res.end();
}

// Node delivers the same header from a client twice as "a, b"; ETag lists use the same syntax.
const etagList = (value: string): string[] =>
  value.split(',').map((item) => item.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));

/** Whether an If-Match / If-None-Match header value names this ETag (or is "*"). */
export const etagMatches = (value: string, etag: string): boolean =>
  etagList(value).some((item) => item === '*' || item === etag);

/** If-Match / If-None-Match on writes, checked under the key's lock just before the commit. */
export function writePrecondition(ctx: S3Context): WritePrecondition | undefined {
  const ifMatch = header(ctx, 'if-match');
  const ifNoneMatch = header(ctx, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return (existing) => {
    if (ifNoneMatch !== undefined && existing && etagMatches(ifNoneMatch, existing.etag))
      throw preconditionFailed();
    if (ifMatch !== undefined) {
      if (!existing) throw noSuchKey(ctx.key);
      if (!etagMatches(ifMatch, existing.etag)) throw preconditionFailed();
    }
  };
}

const seconds = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);

/** RFC 9110 conditional GET/HEAD: throws 412, or answers whether a 304 is due. */
export function isNotModified(ctx: S3Context, object: StoredObject): boolean {
  const ifMatch = header(ctx, 'if-match');
  const ifUnmodifiedSince = header(ctx, 'if-unmodified-since');
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, object.etag)) throw preconditionFailed();
  } else if (ifUnmodifiedSince !== undefined && !Number.isNaN(Date.parse(ifUnmodifiedSince))) {
    if (seconds(object.lastModified) > seconds(new Date(ifUnmodifiedSince).toISOString()))
      throw preconditionFailed();
  }
  const ifNoneMatch = header(ctx, 'if-none-match');
  const ifModifiedSince = header(ctx, 'if-modified-since');
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, object.etag);
  if (ifModifiedSince !== undefined && !Number.isNaN(Date.parse(ifModifiedSince))) {
    return seconds(object.lastModified) <= seconds(new Date(ifModifiedSince).toISOString());
  }
  return false;
}
