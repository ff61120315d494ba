import { status } from '@grpc/grpc-js';
import { VideoStatus } from '@kinema/contracts';
import { paddedMp4, paddedMp4Size, waitFor } from '@kinema/dev-infra';
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sampleBytes, sampleNamed } from '../testing/sample-media';
import {
  chunksOf,
  failureOf,
  openUpload,
  uploadVideo,
  type UploadHandle,
} from '../testing/video-client';
import { startTestVideos, type VideosHarness } from '../testing/videos-test-harness';

const MAX_CONCURRENT = 8;
const MiB = 1024 * 1024;

let videos: VideosHarness;

beforeAll(async () => {
  videos = await startTestVideos({ UPLOAD_MAX_CONCURRENT: String(MAX_CONCURRENT) });
}, 60_000);

afterAll(async () => {
  await videos?.close();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes held in Buffers (and other ArrayBuffers) by this process once garbage is collected. */
function bufferBytes(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

const clip = sampleBytes(sampleNamed('bars-faststart.mp4'));

/** Starts an upload of a 64 MiB file and sends its first `sent` bytes in 16 KiB chunks. */
async function park(sent: number): Promise<UploadHandle> {
  const padding = 64 * MiB;
  const upload = openUpload(videos.client, {
    titleId: randomUUID(),
    contentType: 'video/mp4',
    contentLength: paddedMp4Size(clip, padding),
  });
  let written = 0;
  for (const chunk of paddedMp4(clip, padding, 16 * 1024)) {
    if (written >= sent || !(await upload.write(chunk))) break;
    written += chunk.length;
  }
  return upload;
}

describe('concurrent uploads', () => {
  it(`hold about 1 MiB each, whatever they have sent; the ${MAX_CONCURRENT + 1}th is refused and a freed slot is taken again`, async () => {
    const before = bufferBytes();
    // Less than a part each: a writer that gathered parts would hold all of it.
    const parked = await Promise.all(Array.from({ length: MAX_CONCURRENT }, () => park(6 * MiB)));
    const growth = bufferBytes() - before;
    // 8 uploads x 6 MiB sent = 48 MiB; held: the client's and server's gRPC buffers and the
    // bytes in flight to S3, under 2 MiB an upload.
    expect(growth).toBeLessThan(MAX_CONCURRENT * 2 * MiB);

    const refused = await failureOf(
      uploadVideo(
        videos.client,
        { titleId: randomUUID(), contentType: 'video/mp4', contentLength: clip.length },
        chunksOf(clip),
      ),
    );
    expect(refused.code).toBe(status.UNAVAILABLE);
    expect(refused.errorCode).toBe('UPLOADS_BUSY');

    const ids = await Promise.all(parked.map((upload) => upload.videoId));
    for (const upload of parked) upload.call.cancel();
    await waitFor(async () => {
      const rows = await videos.sql<{ status: string }>(
        'SELECT status FROM videos WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return rows.every((row) => row.status === 'failed');
    }, 'the cancelled uploads are settled');
    expect(await videos.openUploads()).toEqual([]);

    const { video } = await uploadVideo(
      videos.client,
      { titleId: randomUUID(), contentType: 'video/mp4', contentLength: clip.length },
      chunksOf(clip),
    );
    expect(video?.status).toBe(VideoStatus.VIDEO_STATUS_READY);
  });
});
