import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { RunningS3Server, startS3Server } from './index';

const BUCKET = 'videos';
const MiB = 1024 * 1024;

const clientFor = (endpoint: string): S3Client =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'kinema', secretAccessKey: 'kinema-secret' },
  });

const errorOf = async (promise: Promise<unknown>): Promise<{ name: string; status?: number }> => {
  try {
    await promise;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
};

/** A stream of random bytes whose SHA-256 is known once it has been fully read. */
function generatedVideo(totalBytes: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  function* chunks(): Generator<Buffer> {
    for (let sent = 0; sent < totalBytes; sent += MiB) {
      const chunk = randomBytes(Math.min(MiB, totalBytes - sent));
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), sha256: () => hash.digest('hex') };
}

describe('embedded S3 server: multipart uploads', () => {
  let server: RunningS3Server;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    s3 = clientFor(server.endpoint);
  });

  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('stores a ~20 MB stream uploaded with lib-storage and serves it back byte for byte', async () => {
    const video = generatedVideo(20 * MiB + 12345);
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: BUCKET,
        Key: 'movies/big.mp4',
        Body: video.stream,
        ContentType: 'video/mp4',
        Metadata: { title: 'big' },
      },
      partSize: 5 * MiB,
      queueSize: 2,
    });
    await upload.done();

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'movies/big.mp4' }));
    expect(head).toMatchObject({
      ContentLength: 20 * MiB + 12345,
      ContentType: 'video/mp4',
      Metadata: { title: 'big' },
    });
    expect(head.ETag).toMatch(/-5"$/);

    const download = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'movies/big.mp4' }));
    const downloaded = createHash('sha256');
    for await (const chunk of download.Body as Readable) downloaded.update(chunk as Buffer);
    expect(downloaded.digest('hex')).toBe(video.sha256());
    expect(
      (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [],
    ).toEqual([]);
  }, 60_000);

  it('lists in-progress uploads and their parts', async () => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'movies/listed.mp4' }),
    );
    await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'movies/listed.mp4',
        UploadId,
        PartNumber: 2,
        Body: Buffer.alloc(1000, 2),
      }),
    );
    await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'movies/listed.mp4',
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(2000, 1),
      }),
    );

    const uploads = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'movies/listed' }),
    );
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      ['movies/listed.mp4', UploadId],
    ]);
    const parts = await s3.send(
      new ListPartsCommand({ Bucket: BUCKET, Key: 'movies/listed.mp4', UploadId }),
    );
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 2000],
      [2, 1000],
    ]);

    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'movies/listed.mp4', UploadId }),
    );
  });

  it('leaves no upload and no parts behind after AbortMultipartUpload', async () => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'movies/aborted.mp4' }),
    );
    await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'movies/aborted.mp4',
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(1024, 7),
      }),
    );
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'movies/aborted.mp4', UploadId }),
    );

    expect(
      (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [],
    ).toEqual([]);
    expect(
      await errorOf(
        s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'movies/aborted.mp4', UploadId })),
      ),
    ).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(
      await errorOf(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'movies/aborted.mp4' }))),
    ).toMatchObject({ status: 404 });
  });

  it('rejects completion with a part smaller than 5 MiB that is not the last', async () => {
    const key = 'movies/too-small.mp4';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }),
    );
    const one = await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(10),
      }),
    );
    const two = await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        PartNumber: 2,
        Body: Buffer.alloc(10),
      }),
    );
    const completing = s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: one.ETag },
            { PartNumber: 2, ETag: two.ETag },
          ],
        },
      }),
    );
    expect(await errorOf(completing)).toEqual({ name: 'EntityTooSmall', status: 400 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
  });
});
