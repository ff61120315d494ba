import { createHash, Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { AwsChunkedDecoder } from './aws-chunked-decoder';
import { S3Error } from './s3-error';

/** What the dev server learnt while streaming a request body to disk. */
export interface ReceivedBody {
  size: number;
  /** Hex MD5 of the payload: the ETag of a single-part object or part. */
  md5: string;
  /** The flexible checksum the client asked for, when the server can compute it. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

type ChecksumAlgorithm = 'crc32' | 'sha1' | 'sha256';
const VERIFIABLE: readonly string[] = ['crc32', 'sha1', 'sha256'];

// Hashes in flight as the bytes pass, so nothing is held beyond the current chunk.
class DigestPassThrough extends Transform {
  size = 0;
  private readonly md5 = createHash('md5');
  private readonly hash?: Hash;
  private crc = 0;

  constructor(readonly algorithm?: ChecksumAlgorithm) {
    super();
    if (algorithm === 'sha1' || algorithm === 'sha256') this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    if (this.algorithm === 'crc32') this.crc = crc32(chunk, this.crc);
    this.hash?.update(chunk);
    callback(null, chunk);
  }

  md5Hex(): string {
    return this.md5.digest('hex');
  }

  checksumBase64(): string | undefined {
    if (this.algorithm === 'crc32') {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(this.crc >>> 0);
      return bytes.toString('base64');
    }
    return this.hash?.digest('base64');
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** True when the SDK framed the body as aws-chunked (streaming SigV4, e.g. with a trailing checksum). */
export const isAwsChunked = (req: IncomingMessage): boolean =>
  (header(req, 'content-encoding') ?? '')
    .split(',')
    .some((part) => part.trim() === 'aws-chunked') ||
  (header(req, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-');

// The algorithm comes from whichever place the SDK named it: a checksum header, the trailer
// announcement, or x-amz-sdk-checksum-algorithm.
function requestedAlgorithm(req: IncomingMessage): string | undefined {
  const trailer = header(req, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer?.startsWith('x-amz-checksum-')) return trailer.slice('x-amz-checksum-'.length);
  const named = Object.keys(req.headers).find(
    (name) =>
      name.startsWith('x-amz-checksum-') &&
      name !== 'x-amz-checksum-type' &&
      name !== 'x-amz-checksum-mode',
  );
  if (named) return named.slice('x-amz-checksum-'.length);
  return header(req, 'x-amz-sdk-checksum-algorithm')?.toLowerCase();
}

/**
 * Streams the request payload into `destination` (created exclusively), decoding aws-chunked
 * framing and verifying Content-MD5 and CRC32/SHA-1/SHA-256 flexible checksums (CRC32C and
 * CRC64NVME are accepted unverified). The file is removed when anything fails.
 */
export async function receiveBody(
  req: IncomingMessage,
  destination: string,
): Promise<ReceivedBody> {
  const requested = requestedAlgorithm(req);
  const algorithm =
    requested && VERIFIABLE.includes(requested) ? (requested as ChecksumAlgorithm) : undefined;
  const digest = new DigestPassThrough(algorithm);
  const decoder = isAwsChunked(req) ? new AwsChunkedDecoder() : undefined;
  try {
    const sink = createWriteStream(destination, { flags: 'wx' });
    await (decoder ? pipeline(req, decoder, digest, sink) : pipeline(req, digest, sink));
    const md5 = digest.md5Hex();
    const declared = header(req, 'x-amz-decoded-content-length');
    if (decoder && declared !== undefined && Number(declared) !== digest.size) {
      throw new S3Error(
        'IncompleteBody',
        400,
        `Decoded ${digest.size} bytes but x-amz-decoded-content-length is ${declared}`,
      );
    }
    const contentMd5 = header(req, 'content-md5');
    if (contentMd5 !== undefined && Buffer.from(md5, 'hex').toString('base64') !== contentMd5) {
      throw new S3Error(
        'BadDigest',
        400,
        'The Content-MD5 you specified did not match what we received.',
      );
    }
    if (!algorithm) return { size: digest.size, md5 };
    const value = digest.checksumBase64() ?? '';
    const expected =
      decoder?.trailers.get(`x-amz-checksum-${algorithm}`) ??
      header(req, `x-amz-checksum-${algorithm}`);
    if (expected !== undefined && expected !== value) {
      throw new S3Error(
        'BadDigest',
        400,
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
    return { size: digest.size, md5, checksum: { algorithm, value } };
  } catch (error) {
    await rm(destination, { force: true });
    throw error;
  }
}

/** Reads a small XML request document (CompleteMultipartUpload, Delete), refusing oversized ones. */
export async function readSmallBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const decoder = isAwsChunked(req) ? new AwsChunkedDecoder() : undefined;
  // pipe() does not forward errors; without this a reset connection would leave the read hanging.
  if (decoder) req.on('error', (error) => decoder.destroy(error));
  const source = decoder ? req.pipe(decoder) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes)
      throw new S3Error(
        'MaxMessageLengthExceeded',
        400,
        `Request body exceeds ${limitBytes} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
