import { requireBucket } from './bucket-handlers';
import { assertValidKey, attributesFrom } from './object-handlers';
import { readSmallBody, receiveBody } from './request-body';
import {
  header,
  OWNER,
  quoted,
  S3Context,
  sendEmpty,
  sendXml,
  writePrecondition,
} from './s3-context';
import { invalidArgument } from './s3-error';
import { parseCompleteMultipartUpload, toXml } from './s3-xml';

// 10,000 parts at roughly a hundred bytes of XML each.
const MAX_COMPLETE_DOCUMENT_BYTES = 4 * 1024 * 1024;

const uploadIdParam = (ctx: S3Context): string => ctx.query.get('uploadId') ?? '';

export async function createMultipartUpload(ctx: S3Context): Promise<void> {
  requireBucket(ctx);
  assertValidKey(ctx.key);
  const upload = await ctx.uploads.create(ctx.bucket, ctx.key, attributesFrom(ctx));
  // Echoing the algorithm tells the SDK the server took note of it, as S3 does.
  const algorithm = header(ctx, 'x-amz-checksum-algorithm');
  sendXml(
    ctx,
    200,
    toXml('InitiateMultipartUploadResult', {
      Bucket: ctx.bucket,
      Key: ctx.key,
      UploadId: upload.uploadId,
    }),
    algorithm ? { 'x-amz-checksum-algorithm': algorithm } : {},
  );
}

export async function uploadPart(ctx: S3Context): Promise<void> {
  const partNumber = Number(ctx.query.get('partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive');
  }
  const upload = ctx.uploads.get(ctx.bucket, ctx.key, uploadIdParam(ctx));
  const temp = ctx.store.tempPath();
  const body = await receiveBody(ctx.req, temp);
  const part = await ctx.uploads.commitPart(upload, partNumber, temp, {
    size: body.size,
    etag: body.md5,
  });
  const checksum = body.checksum
    ? { [`x-amz-checksum-${body.checksum.algorithm}`]: body.checksum.value }
    : {};
  sendEmpty(ctx, 200, { etag: quoted(part.etag), ...checksum });
}

export function listParts(ctx: S3Context): void {
  const upload = ctx.uploads.get(ctx.bucket, ctx.key, uploadIdParam(ctx));
  const marker = Number(ctx.query.get('part-number-marker') ?? '0');
  const maxParts = Math.min(Number(ctx.query.get('max-parts') ?? '1000'), 1000);
  if (!Number.isInteger(marker) || !Number.isInteger(maxParts) || maxParts < 0)
    throw invalidArgument('part-number-marker and max-parts must be integers');
  const matching = ctx.uploads.listParts(upload).filter((part) => part.partNumber > marker);
  const parts = matching.slice(0, maxParts);
  const truncated = matching.length > parts.length;
  sendXml(
    ctx,
    200,
    toXml('ListPartsResult', {
      Bucket: ctx.bucket,
      Key: ctx.key,
      UploadId: upload.uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: parts.at(-1)?.partNumber ?? marker,
      MaxParts: maxParts,
      IsTruncated: truncated,
      Part: parts.map((part) => ({
        PartNumber: part.partNumber,
        LastModified: part.lastModified,
        ETag: quoted(part.etag),
        Size: part.size,
      })),
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: 'STANDARD',
    }),
  );
}

export async function completeMultipartUpload(ctx: S3Context): Promise<void> {
  const upload = ctx.uploads.get(ctx.bucket, ctx.key, uploadIdParam(ctx));
  const parts = parseCompleteMultipartUpload(
    await readSmallBody(ctx.req, MAX_COMPLETE_DOCUMENT_BYTES),
  );
  const object = await ctx.uploads.complete(upload, parts, writePrecondition(ctx));
  const host = header(ctx, 'host') ?? 'localhost';
  sendXml(
    ctx,
    200,
    toXml('CompleteMultipartUploadResult', {
      Location: `http://${host}/${encodeURIComponent(ctx.bucket)}/${ctx.key.split('/').map(encodeURIComponent).join('/')}`,
      Bucket: ctx.bucket,
      Key: ctx.key,
      ETag: quoted(object.etag),
    }),
  );
}

export async function abortMultipartUpload(ctx: S3Context): Promise<void> {
  const upload = ctx.uploads.get(ctx.bucket, ctx.key, uploadIdParam(ctx));
  await ctx.uploads.abort(upload);
  sendEmpty(ctx, 204);
}
