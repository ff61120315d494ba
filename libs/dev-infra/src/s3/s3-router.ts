import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import * as buckets from './bucket-handlers';
import * as multipart from './multipart-handlers';
import * as objects from './object-handlers';
import { header, S3Context } from './s3-context';
import { notImplemented, S3Error } from './s3-error';
import { errorXml } from './s3-xml';

/** Where the router reports requests that failed on the server's side. */
export interface S3Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

// Subresources of S3 this server does not model. Refusing them matters: falling through would
// turn e.g. PutObjectTagging into a PutObject that overwrites the body with a tagging document.
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
];

const methodNotAllowed = (): S3Error =>
  new S3Error(
    'MethodNotAllowed',
    405,
    'The specified method is not allowed against this resource.',
  );

function parseContext(req: IncomingMessage, res: ServerResponse, stores: S3Stores): S3Context {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const context: S3Context = { ...stores, req, res, bucket: '', key: '', query, requestId };
  // Path-style only: the first segment is the bucket and the (undecoded, unnormalised) rest is
  // the key, so "a//b" and "../x" stay distinct keys exactly as the client sent them.
  const rest = path.replace(/^\//, '');
  const slash = rest.indexOf('/');
  try {
    context.bucket = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
    context.key = slash === -1 ? '' : decodeURIComponent(rest.slice(slash + 1));
  } catch {
    throw new S3Error('InvalidURI', 400, 'Could not parse the specified URI.');
  }
  return context;
}

async function dispatch(ctx: S3Context): Promise<void> {
  const { method } = ctx.req;
  const has = (name: string): boolean => ctx.query.has(name);
  const unsupported = UNSUPPORTED_SUBRESOURCES.find(has);
  if (unsupported) throw notImplemented(`The ?${unsupported} subresource`);
  if (ctx.bucket === '') {
    if (method === 'GET') return buckets.listBuckets(ctx);
    throw methodNotAllowed();
  }
  if (ctx.key === '') {
    if (method === 'PUT') return buckets.createBucket(ctx);
    if (method === 'HEAD') return buckets.headBucket(ctx);
    if (method === 'DELETE') return buckets.deleteBucket(ctx);
    if (method === 'POST' && has('delete')) return buckets.deleteObjects(ctx);
    if (method === 'GET' && has('uploads')) return buckets.listMultipartUploads(ctx);
    if (method === 'GET' && has('location')) return buckets.getBucketLocation(ctx);
    if (method === 'GET') return buckets.listObjects(ctx);
    throw methodNotAllowed();
  }
  const copySource = header(ctx, 'x-amz-copy-source');
  if (method === 'PUT' && has('uploadId')) {
    if (copySource !== undefined) throw notImplemented('UploadPartCopy');
    return multipart.uploadPart(ctx);
  }
  if (method === 'PUT')
    return copySource !== undefined ? objects.copyObject(ctx, copySource) : objects.putObject(ctx);
  if (method === 'GET' && has('uploadId')) return multipart.listParts(ctx);
  if (method === 'GET' || method === 'HEAD') return objects.getObject(ctx, method === 'HEAD');
  if (method === 'DELETE' && has('uploadId')) return multipart.abortMultipartUpload(ctx);
  if (method === 'DELETE') return objects.deleteObject(ctx);
  if (method === 'POST' && has('uploads')) return multipart.createMultipartUpload(ctx);
  if (method === 'POST' && has('uploadId')) return multipart.completeMultipartUpload(ctx);
  throw methodNotAllowed();
}

function sendError(ctx: S3Context, error: unknown, logger: S3Logger): void {
  const { req, res } = ctx;
  // The client hung up (e.g. an aborted upload): nobody is left to answer or to warn about.
  if (res.destroyed || req.socket.destroyed) return;
  const s3Error =
    error instanceof S3Error
      ? error
      : new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
  if (!(error instanceof S3Error))
    logger.warn(
      `s3 ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  if (res.headersSent) {
    // Mid-body failure: cutting the connection is the only way to tell the client the body is short.
    res.destroy();
    return;
  }
  // Drain an unread upload so the connection can be reused for the next request.
  if (!req.complete) req.resume();
  const resource = `/${ctx.bucket}${ctx.key === '' ? '' : `/${ctx.key}`}`;
  const body =
    req.method === 'HEAD'
      ? Buffer.alloc(0)
      : Buffer.from(errorXml(s3Error.code, s3Error.message, resource, ctx.requestId), 'utf8');
  res.writeHead(s3Error.status, {
    ...s3Error.headers,
    'content-type': 'application/xml',
    'content-length': body.length,
  });
  res.end(body);
}

/** The storage a request is served from. */
export type S3Stores = Pick<S3Context, 'store' | 'uploads'>;

/** Serves one HTTP request against the stores; never rejects. */
export async function handleS3Request(
  stores: S3Stores,
  req: IncomingMessage,
  res: ServerResponse,
  logger: S3Logger,
): Promise<void> {
  let ctx: S3Context = {
    req,
    res,
    ...stores,
    bucket: '',
    key: '',
    query: new URLSearchParams(),
    requestId: '',
  };
  try {
    ctx = parseContext(req, res, stores);
    res.setHeader('x-amz-request-id', ctx.requestId);
    res.setHeader('server', 'KinemaDevS3');
    await dispatch(ctx);
  } catch (error) {
    sendError(ctx, error, logger);
  }
}
