import {
  decodeContinuationToken,
  encodeContinuationToken,
  listObjectsPage,
} from './object-listing';
import { readSmallBody } from './request-body';
import { OWNER, quoted, S3Context, sendEmpty, sendXml } from './s3-context';
import { invalidArgument, noSuchBucket } from './s3-error';
import { parseDeleteObjects, toXml } from './s3-xml';

const MAX_DELETE_DOCUMENT_BYTES = 2 * 1024 * 1024;

export function listBuckets(ctx: S3Context): void {
  const buckets = ctx.store
    .listBuckets()
    .map(({ name, created }) => ({ Name: name, CreationDate: created }));
  sendXml(
    ctx,
    200,
    toXml('ListAllMyBucketsResult', { Owner: OWNER, Buckets: { Bucket: buckets } }),
  );
}

export async function createBucket(ctx: S3Context): Promise<void> {
  // The optional CreateBucketConfiguration only names a region, which a single-node server ignores.
  await readSmallBody(ctx.req, 64 * 1024);
  await ctx.store.createBucket(ctx.bucket);
  sendEmpty(ctx, 200, { location: `/${ctx.bucket}` });
}

export function headBucket(ctx: S3Context): void {
  if (!ctx.store.hasBucket(ctx.bucket)) throw noSuchBucket(ctx.bucket);
  sendEmpty(ctx, 200, { 'x-amz-bucket-region': 'us-east-1' });
}

export async function deleteBucket(ctx: S3Context): Promise<void> {
  await ctx.store.deleteBucket(ctx.bucket);
  await ctx.uploads.abortAll(ctx.bucket);
  sendEmpty(ctx, 204);
}

export function getBucketLocation(ctx: S3Context): void {
  if (!ctx.store.hasBucket(ctx.bucket)) throw noSuchBucket(ctx.bucket);
  // An empty LocationConstraint means us-east-1.
  sendXml(ctx, 200, toXml('LocationConstraint', {}));
}

function maxKeysParam(ctx: S3Context, name: string): number {
  const raw = ctx.query.get(name);
  if (raw === null) return 1000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw invalidArgument(`${name} must be a non-negative integer`);
  return Math.min(value, 1000);
}

/** ListObjectsV2 (`list-type=2`) and the original ListObjects, which differ only in paging fields. */
export function listObjects(ctx: S3Context): void {
  const v2 = ctx.query.get('list-type') === '2';
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const maxKeys = maxKeysParam(ctx, 'max-keys');
  const urlEncoded = ctx.query.get('encoding-type') === 'url';
  const encode = (text: string): string =>
    urlEncoded ? encodeURIComponent(text).replace(/%2F/g, '/') : text;
  const token = ctx.query.get('continuation-token');
  const startAfter = ctx.query.get('start-after') ?? '';
  const marker = ctx.query.get('marker') ?? '';
  const after = v2 ? (token !== null ? decodeContinuationToken(token) : startAfter) : marker;
  const page = listObjectsPage(ctx.store.sortedObjects(ctx.bucket), {
    prefix,
    delimiter,
    after,
    maxKeys,
  });
  const common = {
    Name: ctx.bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: urlEncoded ? 'url' : undefined,
    IsTruncated: page.isTruncated,
    Contents: page.contents.map((object) => ({
      Key: encode(object.key),
      LastModified: object.lastModified,
      ETag: quoted(object.etag),
      Size: object.size,
      Owner: v2 && ctx.query.get('fetch-owner') !== 'true' ? undefined : OWNER,
      StorageClass: 'STANDARD',
    })),
    CommonPrefixes: page.commonPrefixes.map((commonPrefix) => ({ Prefix: encode(commonPrefix) })),
  };
  const next = page.isTruncated && page.lastEntry !== undefined ? page.lastEntry : undefined;
  const paging = v2
    ? {
        KeyCount: page.contents.length + page.commonPrefixes.length,
        ContinuationToken: token ?? undefined,
        NextContinuationToken: next === undefined ? undefined : encodeContinuationToken(next),
        StartAfter: startAfter === '' ? undefined : encode(startAfter),
      }
    : { Marker: encode(marker), NextMarker: next === undefined ? undefined : encode(next) };
  sendXml(ctx, 200, toXml('ListBucketResult', { ...common, ...paging }));
}

export async function deleteObjects(ctx: S3Context): Promise<void> {
  if (!ctx.store.hasBucket(ctx.bucket)) throw noSuchBucket(ctx.bucket);
  const { keys, quiet } = parseDeleteObjects(
    await readSmallBody(ctx.req, MAX_DELETE_DOCUMENT_BYTES),
  );
  for (const key of keys) await ctx.store.deleteObject(ctx.bucket, key);
  sendXml(
    ctx,
    200,
    toXml('DeleteResult', { Deleted: quiet ? undefined : keys.map((key) => ({ Key: key })) }),
  );
}

export function listMultipartUploads(ctx: S3Context): void {
  const prefix = ctx.query.get('prefix') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const uploadIdMarker = ctx.query.get('upload-id-marker') ?? '';
  const maxUploads = maxKeysParam(ctx, 'max-uploads');
  const matching = ctx.uploads
    .list(ctx.bucket)
    .filter((upload) => upload.key.startsWith(prefix))
    // Without an upload-id-marker, S3 resumes after every upload of the marker key.
    .filter(
      (upload) =>
        keyMarker === '' ||
        upload.key > keyMarker ||
        (upload.key === keyMarker && uploadIdMarker !== '' && upload.uploadId > uploadIdMarker),
    );
  const uploads = matching.slice(0, maxUploads);
  const truncated = matching.length > uploads.length;
  const last = uploads.at(-1);
  sendXml(
    ctx,
    200,
    toXml('ListMultipartUploadsResult', {
      Bucket: ctx.bucket,
      KeyMarker: keyMarker,
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: truncated ? last?.key : undefined,
      NextUploadIdMarker: truncated ? last?.uploadId : undefined,
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: truncated,
      Upload: uploads.map((upload) => ({
        Key: upload.key,
        UploadId: upload.uploadId,
        Initiator: OWNER,
        Owner: OWNER,
        StorageClass: 'STANDARD',
        Initiated: upload.initiated,
      })),
    }),
  );
}

/** Shared by handlers that must refuse a missing bucket before reading a request body. */
export function requireBucket(ctx: S3Context): void {
  if (!ctx.store.hasBucket(ctx.bucket)) throw noSuchBucket(ctx.bucket);
}
