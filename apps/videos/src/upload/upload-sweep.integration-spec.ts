import { status } from '@grpc/grpc-js';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { VIDEOS_VIDEO_EVENTS, VideoStatus } from '@kinema/contracts';
import {
  paddedMp4,
  paddedMp4Size,
  type RunningS3Server,
  startS3Server,
  waitFor,
} from '@kinema/dev-infra';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleBytes, sampleNamed } from '../testing/sample-media';
import { failureOf, openUpload } from '../testing/video-client';
import { startTestVideos, TEST_BUCKET, type VideosHarness } from '../testing/videos-test-harness';

// Fast enough for a test: a sweep every 200 ms, an upload unmarked for 1 s counts as dead.
const SWEEP = { UPLOAD_SWEEP_INTERVAL_MS: '200', UPLOAD_STALE_AFTER_MS: '1000' };

let videos: VideosHarness;
let dataDir: string;
let restarted: RunningS3Server | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kinema-sweep-s3-'));
  videos = await startTestVideos(SWEEP, dataDir);
}, 60_000);

afterAll(async () => {
  await videos?.close();
  await restarted?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Row {
  status: string;
  upload_id: string | null;
  failure_reason: string | null;
}

async function row(id: string): Promise<Row | undefined> {
  const [found] = await videos.sql<Row>(
    'SELECT status, upload_id, failure_reason FROM videos WHERE id = $1',
    [id],
  );
  return found;
}

/** Multipart uploads the S3 server keeps on disk (each a directory of parts). */
const uploadsOnDisk = () => readdir(join(dataDir, 'uploads'));

const clip = sampleBytes(sampleNamed('bars-faststart.mp4'));

/** Starts an upload of a large file and sends it until its first part is stored in S3. */
async function uploadUntilFirstPart() {
  const padding = 64 * 1024 * 1024;
  const upload = openUpload(videos.client, {
    titleId: randomUUID(),
    contentType: 'video/mp4',
    contentLength: paddedMp4Size(clip, padding),
  });
  const videoId = await upload.videoId;
  const chunks = paddedMp4(clip, padding)[Symbol.iterator]();
  await waitFor(async () => {
    const next = chunks.next();
    if (!next.done) await upload.write(next.value);
    return (await row(videoId))?.upload_id != null;
  }, 'a multipart upload is open');
  return { upload, videoId, key: `videos/${videoId}`, chunks };
}

describe('multipart uploads left behind', () => {
  it('keeps the upload id of an upload S3 failed mid-way, and the sweep aborts it once S3 is back', async () => {
    const { upload, videoId, key, chunks } = await uploadUntilFirstPart();
    const port = videos.s3Server.port;
    await videos.s3Server.stop();
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      if (!(await upload.write(next.value))) break;
    }
    upload.end();
    expect((await failureOf(upload.result)).code).toBe(status.UNAVAILABLE);
    // The abort could not reach S3: the row is failed but still names the upload.
    await waitFor(async () => (await row(videoId))?.status === 'failed', 'the row is failed');
    expect(await row(videoId)).toMatchObject({ status: 'failed', upload_id: expect.any(String) });

    restarted = await startS3Server({ dataDir, port, buckets: [TEST_BUCKET] });
    expect(await videos.openUploads()).toContain(key);
    await waitFor(
      async () => (await row(videoId))?.upload_id === null,
      'the sweep aborted the upload',
    );
    expect(await videos.openUploads()).toEqual([]);
    expect(await uploadsOnDisk()).toEqual([]);
    expect(await row(videoId)).toMatchObject({ status: 'failed' });
  });

  it('fails an upload whose replica died, aborts its parts, and tells the others (VideoFailed)', async () => {
    const videoId = randomUUID();
    const key = `videos/${videoId}`;
    const { UploadId } = await videos.s3.send(
      new CreateMultipartUploadCommand({ Bucket: TEST_BUCKET, Key: key }),
    );
    await videos.s3.send(
      new UploadPartCommand({
        Bucket: TEST_BUCKET,
        Key: key,
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(5 * 1024 * 1024),
      }),
    );
    // As a replica that crashed mid-upload an hour ago leaves it.
    await videos.sql(
      `INSERT INTO videos (id, title_id, status, content_type, declared_size, object_key, upload_id,
         created_at, updated_at)
       VALUES ($1, $2, 'uploading', 'video/mp4', 20000000, $3, $4,
         now() - interval '1 hour', now() - interval '1 hour')`,
      [videoId, randomUUID(), key, UploadId],
    );
    await waitFor(async () => (await row(videoId))?.upload_id === null, 'the sweep ran');
    expect(await row(videoId)).toMatchObject({
      status: 'failed',
      failure_reason: expect.stringContaining('abandoned'),
    });
    expect(await videos.openUploads()).not.toContain(key);
    const events = await videos.sql<{ type: string }>(
      `SELECT type FROM outbox_events WHERE data->>'videoId' = $1`,
      [videoId],
    );
    expect(events.map((event) => event.type)).toEqual([VIDEOS_VIDEO_EVENTS.failed]);
  });

  it('aborts a multipart upload no row owns, but never one in progress, however long it takes', async () => {
    const live = await uploadUntilFirstPart();
    const orphanKey = `videos/${randomUUID()}`;
    await videos.s3.send(new CreateMultipartUploadCommand({ Bucket: TEST_BUCKET, Key: orphanKey }));
    // The orphan goes once it is older than the stale age: the live upload is as old by then.
    await waitFor(
      async () => !(await videos.openUploads()).includes(orphanKey),
      'the orphan is aborted',
    );
    expect(await videos.openUploads()).toContain(live.key);
    expect((await videos.rpc.getVideo({ id: live.videoId })).video?.status).toBe(
      VideoStatus.VIDEO_STATUS_UPLOADING,
    );
    for (let next = live.chunks.next(); !next.done; next = live.chunks.next()) {
      await live.upload.write(next.value);
    }
    live.upload.end();
    expect((await live.upload.result).video?.status).toBe(VideoStatus.VIDEO_STATUS_READY);
  });
});
