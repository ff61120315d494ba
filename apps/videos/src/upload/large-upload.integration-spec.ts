import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { VideoStatus } from '@kinema/contracts';
import { paddedMp4, paddedMp4Size } from '@kinema/dev-infra';
import { createHash, randomUUID } from 'node:crypto';
import { sampleBytes, sampleNamed } from '../testing/sample-media';
import { defined, joined, openUpload, readVideo } from '../testing/video-client';
import { startTestVideos, TEST_BUCKET, type VideosHarness } from '../testing/videos-test-harness';

// The service, the embedded S3 server and the client share this Jest worker, so the process RSS
// bounds all three. A service that buffered the file would grow by the file's 300 MB; streaming
// holds one 8 MiB part plus gRPC's and the S3 client's buffers.
const PADDING_BYTES = 300 * 1024 * 1024;
const RSS_GROWTH_LIMIT_BYTES = 160 * 1024 * 1024;

let videos: VideosHarness;

beforeAll(async () => {
  videos = await startTestVideos();
}, 60_000);

afterAll(async () => {
  await videos?.close();
});

it('streams a 300 MB upload to storage with flat memory and reads its ends back', async () => {
  const clip = sampleBytes(sampleNamed('bars-faststart.mp4'));
  const size = paddedMp4Size(clip, PADDING_BYTES);
  // Warm-up: code paths, pools and buffers that exist after the first upload are not growth.
  const warmUp = openUpload(videos.client, {
    titleId: randomUUID(),
    contentType: 'video/mp4',
    contentLength: paddedMp4Size(clip, 16 * 1024 * 1024),
  });
  for (const chunk of paddedMp4(clip, 16 * 1024 * 1024)) await warmUp.write(chunk);
  warmUp.end();
  await warmUp.result;
  global.gc?.();

  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const hash = createHash('sha256');
  const upload = openUpload(videos.client, {
    titleId: randomUUID(),
    contentType: 'video/mp4',
    contentLength: size,
  });
  for (const chunk of paddedMp4(clip, PADDING_BYTES)) {
    hash.update(chunk);
    if (!(await upload.write(chunk))) break;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  upload.end();
  const video = defined((await upload.result).video, 'video');
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(
    `300 MB upload: RSS ${mib(baseline)} MiB before, peak ${mib(peak)} MiB (+${mib(peak - baseline)} MiB)\n`,
  );

  expect(video.status).toBe(VideoStatus.VIDEO_STATUS_READY);
  expect(video.sizeBytes).toBe(size);
  expect(video.sha256).toBe(hash.digest('hex'));
  expect(video.width).toBe(320);
  expect(peak - baseline).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);

  const head = await videos.s3.send(
    new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: `videos/${video.id}` }),
  );
  expect(head.ContentLength).toBe(size);
  const start = joined(await readVideo(videos.client, { videoId: video.id, length: clip.length }));
  expect(start.equals(clip)).toBe(true);
  const end = joined(await readVideo(videos.client, { videoId: video.id, offset: size - 1000 }));
  expect(end.equals(Buffer.alloc(1000))).toBe(true);
  expect(await videos.openUploads()).toEqual([]);
});

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
