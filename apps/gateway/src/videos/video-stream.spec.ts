import { type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  Availability,
  MaturityRating,
  Title,
  TitleType,
  Video,
  VideoStatus,
  VIDEOS_VIDEO_EVENTS,
  type GetPlayableVideoRequest,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_PLAYBACK_GRANT_SECRET } from '../config';
import { FakeObjectStore } from '../testing/fake-object-store';
import { FakeServices } from '../testing/fake-services';
import { createTestGateway } from '../testing/test-gateway';
import { PlayableVideos } from './playable-videos';
import { issueGrant } from './playback-grant';

const TITLE_ID = '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b';
const FIRST = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
const SECOND = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 253));

const title = Title.fromPartial({
  id: TITLE_ID,
  slug: 'night-harbour',
  type: TitleType.TITLE_TYPE_MOVIE,
  name: 'Night Harbour',
  maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
  availability: Availability.AVAILABILITY_PUBLISHED,
  playable: true,
});

function videoOf(id: string, bytes: Buffer): Video {
  return Video.fromPartial({
    id,
    titleId: TITLE_ID,
    contentType: 'video/mp4',
    status: VideoStatus.VIDEO_STATUS_READY,
    sizeBytes: bytes.length,
    sha256: id.replace(/-/g, '').padEnd(64, '0'),
  });
}

const first = videoOf('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', FIRST);
const second = videoOf('1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', SECOND);

/**
 * Playback is a data path: a Range request with a grant costs no call to another service once
 * the title is resolved, and its bytes come from the store through one pipe.
 */
describe('ranged playback through the store', () => {
  const store = new FakeObjectStore();
  let services: FakeServices;
  let app: NestFastifyApplication;
  /** The video the fake videos service answers as the title's playable one. */
  let current = { video: first, bytes: FIRST };
  const calls = { getTitle: 0, getPlayableVideo: 0 };
  /** A read URL the fake videos service answers instead of the store's. */
  let readUrlOverride: string | undefined;

  const grant = issueGrant(DEV_PLAYBACK_GRANT_SECRET, {
    titleId: TITLE_ID,
    episodeId: '',
    profileId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    sessionId: '7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
    maxMaturity: MaturityRating.MATURITY_RATING_TEEN_13,
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });
  const streamUrl = `/api/v1/titles/${TITLE_ID}/stream?grant=${grant}`;
  const get = (range: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: streamUrl, headers: { range } });

  beforeAll(async () => {
    await store.start();
    services = new FakeServices({
      catalog: {
        getTitle: (_call: unknown, done: sendUnaryData<unknown>) => {
          calls.getTitle += 1;
          done(null, { title });
        },
      },
      videos: {
        getPlayableVideo: (
          call: ServerUnaryCall<GetPlayableVideoRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          calls.getPlayableVideo += 1;
          expect(call.request.readUrlTtlSeconds).toBeGreaterThan(0);
          done(null, {
            video: current.video,
            readUrl: readUrlOverride ?? store.put(current.video.id, current.bytes),
          });
        },
      },
    });
    app = await createTestGateway(services, { CATALOG_CACHE_TTL_MS: '0' });
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
    await store.stop();
  });

  beforeEach(() => {
    calls.getTitle = 0;
    calls.getPlayableVideo = 0;
    store.requests.length = 0;
    current = { video: first, bytes: FIRST };
    // Each test starts from a title nobody has resolved yet.
    app.get(PlayableVideos).forget(TITLE_ID);
  });

  /** What the event feed hands on when the videos service publishes a new ready video. */
  function deliverVideoReady(): void {
    app.get(PlayableVideos).onEvent({
      id: `event-${calls.getPlayableVideo}`,
      type: VIDEOS_VIDEO_EVENTS.ready,
      source: '/kinema/videos',
      subject: TITLE_ID,
      time: new Date().toISOString(),
      data: {
        titleId: TITLE_ID,
        episodeId: null,
        videoId: current.video.id,
        durationSeconds: 1,
        sizeBytes: current.bytes.length,
        sha256: current.video.sha256,
      },
    });
  }

  it('resolves the title once for a whole run of Range requests, each then one read of the store', async () => {
    const ranges = [
      [0, 65_535],
      [100_000, 165_535],
      [250_000, 299_999],
      [7, 7],
    ];
    for (const [start, end] of ranges) {
      const answer = await get(`bytes=${start}-${end}`);
      expect(answer.statusCode).toBe(206);
      expect(answer.headers['content-range']).toBe(`bytes ${start}-${end}/${FIRST.length}`);
      expect(answer.rawPayload.equals(FIRST.subarray(start, end + 1))).toBe(true);
    }
    expect(calls).toEqual({ getTitle: 1, getPlayableVideo: 1 });
    expect(store.requests.map((request) => request.range)).toEqual(
      ranges.map(([start, end]) => `bytes=${start}-${end}`),
    );
  });

  it('resolves the title again after VideoReady, and plays the new video', async () => {
    expect((await get('bytes=0-9')).statusCode).toBe(206);
    current = { video: second, bytes: SECOND };
    deliverVideoReady();
    const answer = await get('bytes=0-9');
    expect(answer.headers['etag']).toBe(`"${second.sha256}"`);
    expect(answer.headers['content-range']).toBe(`bytes 0-9/${SECOND.length}`);
    expect(answer.rawPayload.equals(SECOND.subarray(0, 10))).toBe(true);
    expect(calls.getPlayableVideo).toBe(2);
  });

  it('resolves again, once, when the store no longer has the object it was told of', async () => {
    expect((await get('bytes=0-9')).statusCode).toBe(206);
    // Replaced, and the event has not arrived: the old object is gone from the store.
    current = { video: second, bytes: SECOND };
    store.failures.push(404);
    const answer = await get('bytes=10-19');
    expect(answer.statusCode).toBe(206);
    expect(answer.rawPayload.equals(SECOND.subarray(10, 20))).toBe(true);
    expect(calls.getPlayableVideo).toBe(2);
  });

  it('answers a store that fails with 503, Retry-After and a problem, never a partial 206', async () => {
    store.failures.push(500);
    const answer = await get('bytes=0-9');
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers['content-range']).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.json()).toMatchObject({ code: 'VIDEO_STORE_UNAVAILABLE' });
  });

  it('answers 503 when the store sends fewer bytes than asked, never a short 206', async () => {
    // The store holds less than the video's recorded size: its 206 is shorter than the range.
    current = { video: first, bytes: FIRST.subarray(0, 1000) };
    const answer = await get('bytes=0-1999');
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.json()).toMatchObject({ code: 'VIDEO_STORE_UNAVAILABLE' });
  });

  it('answers 503 when the store cannot be reached', async () => {
    const unreachable = new FakeObjectStore();
    await unreachable.start();
    const url = unreachable.put(first.id, FIRST);
    await unreachable.stop();
    readUrlOverride = url;
    try {
      const answer = await get('bytes=0-9');
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({ code: 'VIDEO_STORE_UNAVAILABLE' });
    } finally {
      readUrlOverride = undefined;
    }
  });

  it('lets go of the store read when the player disconnects mid-body', async () => {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    store.stallAfter = 1024;
    try {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        path: streamUrl,
        headers: { range: 'bytes=0-199999' },
      });
      request.end();
      const [response] = (await once(request, 'response')) as [NodeJS.ReadableStream];
      await once(response, 'data');
      const held = store.stalled.at(-1);
      expect(held?.destroyed).toBe(false);
      request.destroy();
      if (held && !held.destroyed) await once(held, 'close');
      expect(held?.writableFinished).toBe(false);
    } finally {
      store.stallAfter = undefined;
    }
  });
});
