import { status } from '@grpc/grpc-js';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { VideoStatus } from '@kinema/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { SAMPLES, sampleBytes, sampleNamed } from '../testing/sample-media';
import {
  chunksOf,
  defined,
  failureOf,
  openUpload,
  readVideo,
  uploadVideo,
} from '../testing/video-client';
import { startTestVideos, TEST_BUCKET, type VideosHarness } from '../testing/videos-test-harness';

let videos: VideosHarness;

beforeAll(async () => {
  // Players reach the store directly at its public address; here that is the test server itself.
  videos = await startTestVideos((s3Endpoint) => ({ S3_PUBLIC_ENDPOINT: s3Endpoint }));
}, 60_000);

afterAll(async () => {
  await videos?.close();
});

async function uploadSample(titleId: string, name: string, episodeId = '') {
  const sample = sampleNamed(name);
  const bytes = sampleBytes(sample);
  const { video } = await uploadVideo(
    videos.client,
    { titleId, episodeId, contentType: sample.contentType, contentLength: bytes.length },
    chunksOf(bytes),
  );
  return defined(video, 'video');
}

async function objectExists(videoId: string): Promise<boolean> {
  return (await videos.objectKeys()).includes(`videos/${videoId}`);
}

describe('replacing a title video', () => {
  it('keeps the old object playable until the new one is ready, then deletes it', async () => {
    const titleId = randomUUID();
    const first = await uploadSample(titleId, 'bars-faststart.mp4');

    const next = sampleNamed('testsrc.webm');
    const bytes = sampleBytes(next);
    const upload = openUpload(videos.client, {
      titleId,
      contentType: next.contentType,
      contentLength: bytes.length,
    });
    const half = Math.floor(bytes.length / 2);
    await upload.write(bytes.subarray(0, half));
    const secondId = await upload.videoId;
    // Mid-upload: the first video is still the playable one, with its bytes.
    expect((await videos.rpc.getPlayableVideo({ titleId })).video?.id).toBe(first.id);
    expect(await objectExists(first.id)).toBe(true);
    expect((await videos.rpc.getVideo({ id: secondId })).video?.status).toBe(
      VideoStatus.VIDEO_STATUS_UPLOADING,
    );

    await upload.write(bytes.subarray(half));
    upload.end();
    const second = defined((await upload.result).video, 'video');
    expect(second.id).toBe(secondId);
    expect((await videos.rpc.getPlayableVideo({ titleId })).video?.id).toBe(second.id);
    expect((await videos.rpc.getVideo({ id: first.id })).video?.status).toBe(
      VideoStatus.VIDEO_STATUS_REPLACED,
    );
    expect(await objectExists(first.id)).toBe(false);
    expect(await objectExists(second.id)).toBe(true);
    const failure = await failureOf(readVideo(videos.client, { videoId: first.id }));
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.errorCode).toBe('VIDEO_NOT_READY');
  });

  it('keeps the playable video when its replacement fails', async () => {
    const titleId = randomUUID();
    const first = await uploadSample(titleId, 'testsrc-moov-at-end.mp4');
    const webm = sampleBytes(sampleNamed('testsrc.webm'));
    const failure = await failureOf(
      uploadVideo(
        videos.client,
        { titleId, contentType: 'video/mp4', contentLength: webm.length },
        chunksOf(webm),
      ),
    );
    expect(failure.errorCode).toBe('VIDEO_UNPROCESSABLE');
    expect((await videos.rpc.getPlayableVideo({ titleId })).video?.id).toBe(first.id);
    expect(await objectExists(first.id)).toBe(true);
  });

  it('keeps the videos of a title and of its episodes apart', async () => {
    const titleId = randomUUID();
    const episodeId = randomUUID();
    const movie = await uploadSample(titleId, 'bars-faststart.mp4');
    const episode = await uploadSample(titleId, 'testsrc.webm', episodeId);
    expect((await videos.rpc.getPlayableVideo({ titleId })).video?.id).toBe(movie.id);
    expect((await videos.rpc.getPlayableVideo({ titleId, episodeId })).video?.id).toBe(episode.id);
    expect(await objectExists(movie.id)).toBe(true);
    const none = await failureOf(videos.rpc.getPlayableVideo({ titleId, episodeId: randomUUID() }));
    expect(none.code).toBe(status.NOT_FOUND);
  });
});

describe('ids that are not UUIDs', () => {
  const crafted = ['../../x', `videos/${randomUUID()}`, '%2e%2e%2fx', ''];

  it.each(crafted)('refuses %j as a title id before storing anything', async (titleId) => {
    const before = await videos.objectKeys();
    const bytes = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const failure = await failureOf(
      uploadVideo(
        videos.client,
        { titleId, contentType: 'video/mp4', contentLength: bytes.length },
        chunksOf(bytes),
      ),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.fieldViolations.map((violation) => violation.field)).toEqual([
      'metadata.title_id',
    ]);
    expect(await videos.objectKeys()).toEqual(before);
  });

  it.each(crafted)('refuses %j as a video id on every read path', async (id) => {
    const target = await uploadSample(randomUUID(), 'bars-faststart.mp4');
    const attempts = [
      videos.rpc.getVideo({ id }),
      readVideo(videos.client, { videoId: id }),
      readVideo(videos.client, { videoId: `${target.id}/../${id}` }),
      videos.rpc.presignPlayback({ videoId: id }),
    ];
    for (const attempt of attempts) {
      expect((await failureOf(attempt)).code).toBe(status.INVALID_ARGUMENT);
    }
  });

  it('names every invalid metadata field at once', async () => {
    const failure = await failureOf(
      uploadVideo(
        videos.client,
        { titleId: 'x', episodeId: 'y', contentType: 'video/avi', contentLength: 0 },
        [],
      ),
    );
    expect(failure.fieldViolations.map((violation) => violation.field)).toEqual([
      'metadata.title_id',
      'metadata.episode_id',
      'metadata.content_type',
      'metadata.content_length',
    ]);
  });
});

describe('GetPlayableVideo with a read URL', () => {
  it('answers the video and a URL of its object on the internal endpoint, in one call', async () => {
    const sample = sampleNamed('bars-faststart.mp4');
    const titleId = randomUUID();
    const uploaded = await uploadSample(titleId, sample.name);
    const { video, readUrl, readUrlExpireTime } = await videos.rpc.getPlayableVideo({
      titleId,
      readUrlTtlSeconds: 120,
    });
    expect(video?.id).toBe(uploaded.id);
    expect(
      readUrl.startsWith(`${videos.config.S3_ENDPOINT}/${TEST_BUCKET}/videos/${uploaded.id}?`),
    ).toBe(true);
    expect(new URL(readUrl).searchParams.get('X-Amz-Expires')).toBe('120');
    expect(defined(readUrlExpireTime, 'readUrlExpireTime').getTime()).toBeGreaterThan(Date.now());
    const response = await fetch(readUrl, { headers: { Range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(sampleBytes(sample).subarray(100, 200))).toBe(true);
  });

  it('answers no URL unless asked, and refuses a lifetime above an hour', async () => {
    const titleId = randomUUID();
    await uploadSample(titleId, 'bars-faststart.mp4');
    expect((await videos.rpc.getPlayableVideo({ titleId })).readUrl).toBe('');
    const failure = await failureOf(
      videos.rpc.getPlayableVideo({ titleId, readUrlTtlSeconds: 3_601 }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('PresignPlayback', () => {
  it('signs a short-lived URL a player can fetch ranges from', async () => {
    const sample = SAMPLES[0];
    if (!sample) throw new Error('no samples');
    const video = await uploadSample(randomUUID(), sample.name);
    const { url, expireTime } = await videos.rpc.presignPlayback({
      videoId: video.id,
      ttlSeconds: 60,
    });
    expect(url.startsWith(`${videos.s3Server.endpoint}/${TEST_BUCKET}/videos/${video.id}?`)).toBe(
      true,
    );
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    expect(defined(expireTime, 'expireTime').getTime()).toBeGreaterThan(Date.now());
    const response = await fetch(url, { headers: { Range: 'bytes=0-99' } });
    expect(response.status).toBe(206);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(sampleBytes(sample).subarray(0, 100))).toBe(true);
  });

  it('refuses a lifetime above an hour', async () => {
    const video = await uploadSample(randomUUID(), 'bars-faststart.mp4');
    const failure = await failureOf(
      videos.rpc.presignPlayback({ videoId: video.id, ttlSeconds: 3_601 }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
  });

  it('answers FAILED_PRECONDITION for a video that is not ready', async () => {
    const bytes = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const upload = openUpload(videos.client, {
      titleId: randomUUID(),
      contentType: 'video/mp4',
      contentLength: bytes.length,
    });
    const videoId = await upload.videoId;
    const failure = await failureOf(videos.rpc.presignPlayback({ videoId }));
    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    upload.call.cancel();
    await failureOf(upload.result);
  });
});

describe('a finished upload', () => {
  it('is written once: no copy of the object after it is stored, the checksum in the database', async () => {
    const since = videos.s3Requests.length;
    const video = await uploadSample(randomUUID(), 'testsrc.webm');
    const key = `/${TEST_BUCKET}/videos/${video.id}`;
    const writes = videos.s3Requests
      .slice(since)
      .filter((request) => request.url.startsWith(key) && request.method === 'PUT');
    expect(writes).toHaveLength(1);
    expect(writes.some((request) => request.headers['x-amz-copy-source'] !== undefined)).toBe(
      false,
    );
    const [row] = await videos.sql<{ sha256: string }>('SELECT sha256 FROM videos WHERE id = $1', [
      video.id,
    ]);
    expect(row?.sha256).toBe(video.sha256);
    const object = await videos.s3.send(
      new GetObjectCommand({ Bucket: TEST_BUCKET, Key: `videos/${video.id}` }),
    );
    const bytes = Buffer.from(await defined(object.Body, 'body').transformToByteArray());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(video.sha256);
  });
});
