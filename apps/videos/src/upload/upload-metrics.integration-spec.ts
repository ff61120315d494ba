import { status } from '@grpc/grpc-js';
import { paddedMp4, waitFor } from '@kinema/dev-infra';
import { metricSample } from '@kinema/platform/testing';
import { randomUUID } from 'node:crypto';
import { sampleBytes, sampleNamed } from '../testing/sample-media';
import { chunksOf, failureOf, openUpload, uploadVideo } from '../testing/video-client';
import { startTestVideos, type VideosHarness } from '../testing/videos-test-harness';

let videos: VideosHarness;

beforeAll(async () => {
  videos = await startTestVideos();
}, 60_000);

afterAll(async () => {
  await videos?.close();
});

const UPLOAD = { grpc_service: 'kinema.videos.v1.VideosService', grpc_method: 'UploadVideo' };

async function handled(code: string): Promise<number> {
  const exposition = await (
    await fetch(`http://127.0.0.1:${videos.running.opsPort}/metrics`)
  ).text();
  return metricSample(exposition, 'grpc_server_handled_total', { ...UPLOAD, grpc_code: code });
}

async function counts(): Promise<{ OK: number; INVALID_ARGUMENT: number; CANCELLED: number }> {
  return {
    OK: await handled('OK'),
    INVALID_ARGUMENT: await handled('INVALID_ARGUMENT'),
    CANCELLED: await handled('CANCELLED'),
  };
}

describe('UploadVideo in grpc_server_handled_total', () => {
  it('counts each upload once, with the status its caller received', async () => {
    const before = await counts();
    const clip = sampleBytes(sampleNamed('bars-faststart.mp4'));

    await uploadVideo(
      videos.client,
      { titleId: randomUUID(), contentType: 'video/mp4', contentLength: clip.length },
      chunksOf(clip),
    );
    const refused = await failureOf(
      uploadVideo(
        videos.client,
        { titleId: randomUUID(), contentType: 'video/mp4', contentLength: clip.length + 1 },
        chunksOf(clip),
      ),
    );
    expect(refused.code).toBe(status.INVALID_ARGUMENT);

    const cancelled = openUpload(videos.client, {
      titleId: randomUUID(),
      contentType: 'video/mp4',
      contentLength: 64 * 1024 * 1024,
    });
    await cancelled.videoId;
    for (const chunk of paddedMp4(clip, 4 * 1024 * 1024)) await cancelled.write(chunk);
    cancelled.call.cancel();
    expect((await failureOf(cancelled.result)).code).toBe(status.CANCELLED);

    // The server settles a cancelled call after the client has seen it end.
    const expected = {
      OK: before.OK + 1,
      INVALID_ARGUMENT: before.INVALID_ARGUMENT + 1,
      CANCELLED: before.CANCELLED + 1,
    };
    await waitFor(
      async () => (await counts()).CANCELLED > before.CANCELLED,
      'the cancelled upload is counted',
    );
    expect(await counts()).toEqual(expected);
  });
});
