import { copyFile, FileHandle, open } from 'node:fs/promises';
import { OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { requireBucket } from './bucket-handlers';
import { resolveRange } from './byte-range';
import type { ObjectAttributes, StoredObject } from './object-store';
import { receiveBody } from './request-body';
import {
  header,
  httpDate,
  isNotModified,
  quoted,
  S3Context,
  sendEmpty,
  sendXml,
  writePrecondition,
} from './s3-context';
import { invalidArgument, S3Error } from './s3-error';
import { toXml } from './s3-xml';

// Standard headers S3 stores with an object and replays on GET/HEAD.
const STORED_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'cache-control',
  'content-language',
  'expires',
];

// GET query parameters that override response headers (used by presigned download links).
const RESPONSE_OVERRIDES: [string, string][] = [
  ['response-content-type', 'content-type'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
  ['response-content-language', 'content-language'],
  ['response-cache-control', 'cache-control'],
  ['response-expires', 'expires'],
];

/** Stored headers and x-amz-meta-* user metadata of an upload request. */
export function attributesFrom(ctx: S3Context): ObjectAttributes {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(ctx, name);
    if (value !== undefined) headers[name] = value;
  }
  // aws-chunked describes the transfer, not the object; S3 drops it from the stored encoding.
  const encoding = headers['content-encoding']
    ?.split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'aws-chunked');
  if (encoding?.length) headers['content-encoding'] = encoding.join(',');
  else delete headers['content-encoding'];
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined)
      metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return { headers, metadata };
}

export function assertValidKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > 1024)
    throw new S3Error('KeyTooLongError', 400, 'Your key is too long');
}

export async function putObject(ctx: S3Context): Promise<void> {
  requireBucket(ctx);
  assertValidKey(ctx.key);
  const temp = ctx.store.tempPath();
  const body = await receiveBody(ctx.req, temp);
  const object = await ctx.store.commitObject(
    ctx.bucket,
    ctx.key,
    temp,
    { size: body.size, etag: body.md5 },
    attributesFrom(ctx),
    writePrecondition(ctx),
  );
  const checksum = body.checksum
    ? { [`x-amz-checksum-${body.checksum.algorithm}`]: body.checksum.value }
    : {};
  sendEmpty(ctx, 200, { etag: quoted(object.etag), ...checksum });
}

export async function copyObject(ctx: S3Context, copySource: string): Promise<void> {
  requireBucket(ctx);
  assertValidKey(ctx.key);
  // "/bucket/key" or "bucket/key", URL-encoded, optionally with ?versionId= (there are no versions here).
  const [path] = copySource.replace(/^\//, '').split('?');
  const slash = path.indexOf('/');
  if (slash <= 0)
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  const sourceBucket = decodeURIComponent(path.slice(0, slash));
  const source = ctx.store.getObject(sourceBucket, decodeURIComponent(path.slice(slash + 1)));
  const temp = ctx.store.tempPath();
  await copyFile(ctx.store.bodyPath(sourceBucket, source), temp);
  const replace = header(ctx, 'x-amz-metadata-directive') === 'REPLACE';
  const attributes = replace
    ? attributesFrom(ctx)
    : { headers: source.headers, metadata: source.metadata };
  const object = await ctx.store.commitObject(
    ctx.bucket,
    ctx.key,
    temp,
    { size: source.size, etag: source.etag },
    attributes,
    writePrecondition(ctx),
  );
  sendXml(
    ctx,
    200,
    toXml('CopyObjectResult', { LastModified: object.lastModified, ETag: quoted(object.etag) }),
  );
}

function objectHeaders(ctx: S3Context, object: StoredObject): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/octet-stream',
    ...object.headers,
    etag: quoted(object.etag),
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
    'content-length': object.size,
  };
  for (const [name, value] of Object.entries(object.metadata))
    headers[`x-amz-meta-${name}`] = value;
  for (const [param, name] of RESPONSE_OVERRIDES) {
    const value = ctx.query.get(param);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

// Opening before answering pins the body: a concurrent overwrite unlinks the old file, and the
// open handle keeps it readable. If the overwrite won the race, retry with the new record.
async function openBody(ctx: S3Context): Promise<{ object: StoredObject; handle: FileHandle }> {
  for (let attempt = 0; ; attempt += 1) {
    const object = ctx.store.getObject(ctx.bucket, ctx.key);
    try {
      return { object, handle: await open(ctx.store.bodyPath(ctx.bucket, object), 'r') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 2) throw error;
    }
  }
}

/** GetObject and HeadObject: conditional requests, a single byte range, header overrides. */
export async function getObject(ctx: S3Context, headOnly: boolean): Promise<void> {
  const { object, handle } = headOnly
    ? { object: ctx.store.getObject(ctx.bucket, ctx.key), handle: undefined }
    : await openBody(ctx);
  try {
    if (isNotModified(ctx, object)) {
      sendEmpty(ctx, 304, {
        etag: quoted(object.etag),
        'last-modified': httpDate(object.lastModified),
      });
      return;
    }
    const range = resolveRange(header(ctx, 'range'), object.size);
    if (range === 'unsatisfiable') {
      throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
        'content-range': `bytes */${object.size}`,
      });
    }
    const headers = objectHeaders(ctx, object);
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
      headers['content-length'] = range.end - range.start + 1;
    }
    ctx.res.writeHead(range ? 206 : 200, headers);
    if (!handle) {
      ctx.res.end();
      return;
    }
    const stream = handle.createReadStream({
      start: range?.start ?? 0,
      end: range?.end,
      autoClose: true,
    });
    await pipeline(stream, ctx.res);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function deleteObject(ctx: S3Context): Promise<void> {
  await ctx.store.deleteObject(ctx.bucket, ctx.key);
  sendEmpty(ctx, 204);
}
