import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { RunningS3Server, startS3Server } from './index';

const BUCKET = 'videos';

// Everything but the endpoint is the SDK's default: flexible checksums, aws-chunked streaming.
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

describe('embedded S3 server: objects', () => {
  let root: string;
  let dataDir: string;
  let server: RunningS3Server;
  let s3: S3Client;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kinema-s3-spec-'));
    dataDir = join(root, 'data', 'deep');
    server = await startS3Server({ dataDir, buckets: [BUCKET] });
    s3 = clientFor(server.endpoint);
  });

  afterAll(async () => {
    s3.destroy();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  const text = async (
    key: string,
    range?: string,
  ): Promise<{ body: string; contentRange?: string }> => {
    const result = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
    return {
      body: (await result.Body?.transformToString()) ?? '',
      contentRange: result.ContentRange,
    };
  };

  it('creates buckets and reports them with HeadBucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'posters' }));
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'posters' }))).resolves.toBeDefined();
    expect(
      await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'missing-bucket' }))),
    ).toMatchObject({ status: 404 });
  });

  it('round-trips an object with its user metadata and content type, then deletes it', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'titles/1/meta.json',
        Body: '{"title":"Kinema"}',
        ContentType: 'application/json',
        Metadata: { 'title-id': '1', owner: 'catalog' },
      }),
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'titles/1/meta.json' }),
    );
    expect(head).toMatchObject({
      ContentLength: 18,
      ContentType: 'application/json',
      ETag: put.ETag,
      Metadata: { 'title-id': '1', owner: 'catalog' },
    });
    expect((await text('titles/1/meta.json')).body).toBe('{"title":"Kinema"}');

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'titles/1/meta.json' }));
    expect(
      await errorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'titles/1/meta.json' }))),
    ).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it('stores the payload, not the aws-chunked framing, when the SDK streams a body with a trailing checksum', async () => {
    const body = Readable.from([Buffer.from('first chunk, '), Buffer.from('second chunk')]);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed.txt', Body: body, ContentLength: 25 }),
    );
    expect((await text('streamed.txt')).body).toBe('first chunk, second chunk');
  });

  it('honours If-Match on GetObject', async () => {
    const { ETag } = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'etag.txt', Body: 'v1' }),
    );
    const matching = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'etag.txt', IfMatch: ETag }),
    );
    expect(await matching.Body?.transformToString()).toBe('v1');
    expect(
      await errorOf(
        s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'etag.txt', IfMatch: '"0000"' })),
      ),
    ).toMatchObject({ status: 412 });
  });

  describe('ranged reads', () => {
    beforeAll(async () => {
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'digits.txt', Body: '0123456789' }),
      );
    });

    it('serves the first bytes with 206 and a Content-Range', async () => {
      expect(await text('digits.txt', 'bytes=0-3')).toEqual({
        body: '0123',
        contentRange: 'bytes 0-3/10',
      });
    });

    it('serves a middle slice and clamps an end past the object', async () => {
      expect(await text('digits.txt', 'bytes=4-6')).toEqual({
        body: '456',
        contentRange: 'bytes 4-6/10',
      });
      expect(await text('digits.txt', 'bytes=8-100')).toEqual({
        body: '89',
        contentRange: 'bytes 8-9/10',
      });
    });

    it('serves a suffix range (the last N bytes)', async () => {
      expect(await text('digits.txt', 'bytes=-3')).toEqual({
        body: '789',
        contentRange: 'bytes 7-9/10',
      });
    });

    it('answers an unsatisfiable range with 416 InvalidRange', async () => {
      expect(await errorOf(text('digits.txt', 'bytes=10-20'))).toEqual({
        name: 'InvalidRange',
        status: 416,
      });
    });
  });

  it('serves a presigned GET to plain fetch, including a Range header', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'clips/trailer.mp4', Body: 'abcdefghij' }),
    );
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'clips/trailer.mp4' }),
      { expiresIn: 60 },
    );
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe('abcdefghij');
    const ranged = await fetch(url, { headers: { Range: 'bytes=2-4' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(await ranged.text()).toBe('cde');
  });

  it('lists with ListObjectsV2 by prefix and delimiter, paging with continuation tokens', async () => {
    for (const key of ['list/a/1', 'list/a/2', 'list/b', 'list/c/1', 'list/d']) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
    const first = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/', MaxKeys: 2 }),
    );
    expect(first.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/a/']);
    expect(first.Contents?.map((c) => c.Key)).toEqual(['list/b']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'list/',
        Delimiter: '/',
        MaxKeys: 2,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/c/']);
    expect(second.Contents?.map((c) => c.Key)).toEqual(['list/d']);
    expect(second.IsTruncated).toBe(false);
  });

  it('refuses a subresource it does not model instead of overwriting the object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tagged.txt', Body: 'keep me' }));
    const failure = await errorOf(
      s3.send(
        new PutObjectTaggingCommand({
          Bucket: BUCKET,
          Key: 'tagged.txt',
          Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] },
        }),
      ),
    );
    expect(failure.status).toBe(501);
    expect((await text('tagged.txt')).body).toBe('keep me');
  });

  it('keeps a key like ../../etc/passwd inside the data directory', async () => {
    const keys = ['../../etc/passwd', '../../../../../../../../tmp/kinema-escape'];
    for (const key of keys)
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `stored as ${key}` }));
    for (const key of keys) expect((await text(key)).body).toBe(`stored as ${key}`);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: '../' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual([...keys].sort());
    const everything = (await readdir(root, { recursive: true })).map((path) => join(root, path));
    const outside = everything.filter(
      (path) => relative(dataDir, path).startsWith('..') && !dataDir.startsWith(path),
    );
    expect(outside).toEqual([]);
  });
});
