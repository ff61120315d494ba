import { status } from '@grpc/grpc-js';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { VIDEOS_VIDEO_EVENTS, VideoStatus } from '@kinema/contracts';
import { freeBoxHeader, paddedMp4, paddedMp4Size, waitFor } from '@kinema/dev-infra';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SAMPLES, sampleBytes, sampleNamed } from '../testing/sample-media';
import {
  chunksOf,
  defined,
  failureOf,
  joined,
  openUpload,
  readVideo,
  uploadVideo,
} from '../testing/video-client';
import { startTestVideos, TEST_BUCKET, type VideosHarness } from '../testing/videos-test-harness';

let videos: VideosHarness;

beforeAll(async () => {
  videos = await startTestVideos();
}, 60_000);

afterAll(async () => {
  await videos?.close();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface OutboxRow {
  type: string;
  message_key: string;
  topic: string;
  data: Record<string, unknown>;
}

function outboxFor(videoId: string): Promise<OutboxRow[]> {
  return videos.sql<OutboxRow>(
    `SELECT type, message_key, topic, data FROM outbox_events WHERE data->>'videoId' = $1 ORDER BY sequence`,
    [videoId],
  );
}

describe('uploading the sample clips', () => {
  it.each(SAMPLES.map((sample) => [sample.name, sample] as const))(
    'stores %s, probes it, and reads it back byte for byte',
    async (_name, sample) => {
      const bytes = sampleBytes(sample);
      const titleId = randomUUID();
      const { video } = await uploadVideo(
        videos.client,
        { titleId, contentType: sample.contentType, contentLength: bytes.length },
        chunksOf(bytes, 16 * 1024),
      );
      const stored = defined(video, 'video');
      expect(stored).toMatchObject({
        titleId,
        episodeId: '',
        status: VideoStatus.VIDEO_STATUS_READY,
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        width: sample.width,
        height: sample.height,
        codecs: [sample.videoCodec, sample.audioCodec],
        contentType: sample.contentType,
      });
      expect(stored.durationSeconds).toBeCloseTo(sample.durationSeconds, 2);

      const whole = await readVideo(videos.client, { videoId: stored.id });
      expect(sha256(joined(whole))).toBe(stored.sha256);
      expect(joined(whole).equals(bytes)).toBe(true);

      const head = await videos.s3.send(
        new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: `videos/${stored.id}` }),
      );
      expect(head.ContentType).toBe(sample.contentType);

      const events = await outboxFor(stored.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        topic: 'videos.videos.v1',
        type: VIDEOS_VIDEO_EVENTS.ready,
        message_key: titleId,
        data: {
          titleId,
          episodeId: null,
          videoId: stored.id,
          sizeBytes: bytes.length,
          sha256: stored.sha256,
        },
      });
    },
  );

  it('stores a file larger than one part through a multipart upload, written once (no copy after it completes)', async () => {
    const since = videos.s3Requests.length;
    const clip = sampleBytes(sampleNamed('testsrc-moov-at-end.mp4'));
    const padding = 20 * 1024 * 1024 + 123;
    const hash = createHash('sha256');
    for (const chunk of paddedMp4(clip, padding)) hash.update(chunk);
    const { video } = await uploadVideo(
      videos.client,
      {
        titleId: randomUUID(),
        contentType: 'video/mp4',
        contentLength: paddedMp4Size(clip, padding),
      },
      paddedMp4(clip, padding),
    );
    const stored = defined(video, 'video');
    expect(stored.sha256).toBe(hash.digest('hex'));
    expect(stored.width).toBe(320);
    const head = await videos.s3.send(
      new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: `videos/${stored.id}` }),
    );
    expect(head.ContentLength).toBe(paddedMp4Size(clip, padding));
    // Three parts and the completion, then nothing rewrites the object: the checksum is the row's.
    const writes = videos.s3Requests
      .slice(since)
      .filter((request) => request.url.startsWith(`/${TEST_BUCKET}/videos/${stored.id}`))
      .filter((request) => request.method === 'PUT' || request.method === 'POST')
      .map((request) => `${request.method} ${request.url.includes('partNumber=') ? 'part' : ''}`);
    expect(writes).toEqual(['POST ', 'PUT part', 'PUT part', 'PUT part', 'POST ']);
    expect(videos.s3Requests.some((request) => request.headers['x-amz-copy-source'])).toBe(false);
    const messages = await readVideo(videos.client, { videoId: stored.id, offset: clip.length });
    expect(messages).toHaveLength(Math.ceil((16 + padding) / (256 * 1024)));
    expect(Math.max(...messages.map((message) => message.chunk.length))).toBe(256 * 1024);
    const tail = joined(messages);
    expect(tail.subarray(0, 16).equals(freeBoxHeader(padding))).toBe(true);
    expect(tail.length).toBe(16 + padding);
    expect(await videos.openUploads()).toEqual([]);
  });
});

describe('ReadVideo ranges', () => {
  let videoId: string;
  let bytes: Buffer;

  beforeAll(async () => {
    const sample = sampleNamed('testsrc.webm');
    bytes = sampleBytes(sample);
    const { video } = await uploadVideo(
      videos.client,
      { titleId: randomUUID(), contentType: sample.contentType, contentLength: bytes.length },
      chunksOf(bytes),
    );
    videoId = defined(video, 'video').id;
  });

  it.each([
    [0, 1],
    [0, 0],
    [1000, 5000],
    [5, 50_000],
    [111_000, 0],
    [111_000, 100_000],
  ])('serves offset %i length %i in chunks of at most 256 KiB', async (offset, length) => {
    const messages = await readVideo(videos.client, { videoId, offset, length });
    const end = length === 0 ? bytes.length : Math.min(bytes.length, offset + length);
    expect(joined(messages).equals(bytes.subarray(offset, end))).toBe(true);
    let expected = offset;
    for (const message of messages) {
      expect(message.offset).toBe(expected);
      expect(message.chunk.length).toBeLessThanOrEqual(256 * 1024);
      expected += message.chunk.length;
    }
  });

  it('answers a range that starts past the end with INVALID_ARGUMENT', async () => {
    const failure = await failureOf(readVideo(videos.client, { videoId, offset: bytes.length }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.errorCode).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('answers NOT_FOUND for an unknown video', async () => {
    const failure = await failureOf(readVideo(videos.client, { videoId: randomUUID() }));
    expect(failure.code).toBe(status.NOT_FOUND);
  });
});

describe('rejected uploads leave nothing behind', () => {
  async function expectNothingStored(videoId: string): Promise<void> {
    expect(await videos.objectKeys()).not.toContain(`videos/${videoId}`);
    expect(await videos.openUploads()).not.toContain(`videos/${videoId}`);
    const { video } = await videos.rpc.getVideo({ id: videoId });
    expect(video?.status).toBe(VideoStatus.VIDEO_STATUS_FAILED);
    const events = await outboxFor(videoId);
    expect(events.map((event) => event.type)).toEqual([VIDEOS_VIDEO_EVENTS.failed]);
  }

  it.each([
    ['random bytes declared as mp4', 'video/mp4', () => randomBytes(3 * 1024 * 1024)],
    ['a WebM declared as mp4', 'video/mp4', () => sampleBytes(sampleNamed('testsrc.webm'))],
    ['an MP4 declared as webm', 'video/webm', () => sampleBytes(sampleNamed('bars-faststart.mp4'))],
    [
      'a truncated MP4',
      'video/mp4',
      () => sampleBytes(sampleNamed('bars-faststart.mp4')).subarray(0, 30_000),
    ],
  ] as const)('rejects %s as VIDEO_UNPROCESSABLE', async (_name, contentType, make) => {
    const bytes = make();
    const upload = openUpload(videos.client, {
      titleId: randomUUID(),
      contentType,
      contentLength: bytes.length,
    });
    for (const chunk of chunksOf(bytes)) if (!(await upload.write(chunk))) break;
    upload.end();
    const failure = await failureOf(upload.result);
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.errorCode).toBe('VIDEO_UNPROCESSABLE');
    await expectNothingStored(await upload.videoId);
  });

  it('aborts the multipart upload of a file found invalid after several parts', async () => {
    // ftyp, then 20 MiB of padding and no moov: only the end of the stream shows it is invalid.
    const ftyp = sampleBytes(sampleNamed('bars-faststart.mp4')).subarray(0, 32);
    const padding = 20 * 1024 * 1024;
    const upload = openUpload(videos.client, {
      titleId: randomUUID(),
      contentType: 'video/mp4',
      contentLength: ftyp.length + 16 + padding,
    });
    for (const chunk of paddedMp4(ftyp, padding)) if (!(await upload.write(chunk))) break;
    upload.end();
    const failure = await failureOf(upload.result);
    expect(failure.errorCode).toBe('VIDEO_UNPROCESSABLE');
    await expectNothingStored(await upload.videoId);
  });

  it.each([
    ['fewer bytes than declared', 1],
    ['more bytes than declared', -1],
  ])('rejects %s with VIDEO_SIZE_MISMATCH', async (_name, difference) => {
    const bytes = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const upload = openUpload(videos.client, {
      titleId: randomUUID(),
      contentType: 'video/mp4',
      contentLength: bytes.length + difference,
    });
    for (const chunk of chunksOf(bytes)) if (!(await upload.write(chunk))) break;
    upload.end();
    const failure = await failureOf(upload.result);
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.errorCode).toBe('VIDEO_SIZE_MISMATCH');
    await expectNothingStored(await upload.videoId);
  });

  it('refuses a declared size above UPLOAD_MAX_BYTES before storing anything', async () => {
    const before = await videos.sql<{ count: string }>('SELECT count(*) FROM videos');
    const failure = await failureOf(
      uploadVideo(
        videos.client,
        { titleId: randomUUID(), contentType: 'video/mp4', contentLength: 3 * 1024 ** 3 },
        [],
      ),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.errorCode).toBe('VIDEO_TOO_LARGE');
    expect(await videos.sql('SELECT count(*) FROM videos')).toEqual(before);
  });

  /** An upload of a 64 MiB padded clip, opened; its chunks are the caller's to send. */
  async function openLargeUpload() {
    const clip = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const padding = 64 * 1024 * 1024;
    const upload = openUpload(videos.client, {
      titleId: randomUUID(),
      contentType: 'video/mp4',
      contentLength: paddedMp4Size(clip, padding),
    });
    const videoId = await upload.videoId;
    return { upload, videoId, key: `videos/${videoId}`, chunks: paddedMp4(clip, padding) };
  }

  /** The video once its cancelled upload is settled (no longer UPLOADING). */
  async function settled(videoId: string) {
    await waitFor(
      async () =>
        (await videos.rpc.getVideo({ id: videoId })).video?.status !==
        VideoStatus.VIDEO_STATUS_UPLOADING,
      'the cancelled upload is settled',
    );
    return (await videos.rpc.getVideo({ id: videoId })).video;
  }

  it('marks a cancelled upload failed and aborts its multipart upload', async () => {
    const { upload, videoId, key, chunks } = await openLargeUpload();
    let sent = 0;
    for (const chunk of chunks) {
      await upload.write(chunk);
      sent += chunk.length;
      // Stop once a part is stored: the multipart upload is open and holds parts.
      if (sent > 12 * 1024 * 1024 && (await videos.openUploads()).includes(key)) break;
    }
    expect(await videos.openUploads()).toContain(key);
    upload.call.cancel();
    expect((await failureOf(upload.result)).code).toBe(status.CANCELLED);
    const video = await settled(videoId);
    expect(video?.status).toBe(VideoStatus.VIDEO_STATUS_FAILED);
    expect(video?.failureReason).toContain('cancelled');
    expect(await videos.openUploads()).not.toContain(key);
    expect(await videos.objectKeys()).not.toContain(key);
  });

  // A cancelling grpc-js client sends the end of its messages before the reset, so the service
  // sees the stream end short first and hears of the cancellation only after.
  it('records an upload ended short and then cancelled as cancelled, not as a size mismatch', async () => {
    const { upload, videoId, key, chunks } = await openLargeUpload();
    let sent = 0;
    for (const chunk of chunks) {
      await upload.write(chunk);
      sent += chunk.length;
      if (sent > 9 * 1024 * 1024) break;
    }
    // Part 1 stored: the service has read past it and is waiting for the rest of part 2.
    await waitFor(async () => (await videos.storedParts(key)) > 0, 'the first part is stored');
    upload.end();
    upload.call.cancel();
    expect((await failureOf(upload.result)).code).toBe(status.CANCELLED);
    const video = await settled(videoId);
    expect(video?.failureReason).toBe('the upload was cancelled by the client');
    expect(await videos.openUploads()).not.toContain(key);
  });
});

describe('PresignPlayback without a public endpoint', () => {
  it('answers FAILED_PRECONDITION', async () => {
    const bytes = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const { video } = await uploadVideo(
      videos.client,
      { titleId: randomUUID(), contentType: 'video/mp4', contentLength: bytes.length },
      chunksOf(bytes),
    );
    const failure = await failureOf(
      videos.rpc.presignPlayback({ videoId: defined(video, 'video').id }),
    );
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.errorCode).toBe('PLAYBACK_URLS_DISABLED');
  });
});
