import { type sendUnaryData } from '@grpc/grpc-js';
import {
  Availability,
  MaturityRating,
  Title,
  TitleType,
  Video,
  VideoStatus,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionCheck } from '../auth/session-check';
import type { AnsweringPath } from '../http/hot-path';
import { DEV_PLAYBACK_GRANT_SECRET } from '../config';
import { FakeObjectStore } from '../testing/fake-object-store';
import { FakeServices } from '../testing/fake-services';
import { requestsMeasured } from '../testing/requests-measured';
import { createTestGateway } from '../testing/test-gateway';
import { PlayableVideos } from './playable-videos';
import { PlaybackAccess } from './playback-access.service';
import { issueGrant } from './playback-grant';

const TITLE_ID = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const OTHER_TITLE_ID = '4d2e3f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a';
const SESSION_ID = '5e3f4a6b-7c8d-4e9f-0a1b-2c3d4e5f6a7b';
const BYTES = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 241));
const REQUEST_BUDGET = 6;

const title = Title.fromPartial({
  id: TITLE_ID,
  slug: 'cold-river',
  type: TitleType.TITLE_TYPE_MOVIE,
  name: 'Cold River',
  maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
  availability: Availability.AVAILABILITY_PUBLISHED,
  playable: true,
});
const video = Video.fromPartial({
  id: '6f4a5b7c-8d9e-4f0a-1b2c-3d4e5f6a7b8c',
  titleId: TITLE_ID,
  contentType: 'video/mp4',
  status: VideoStatus.VIDEO_STATUS_READY,
  sizeBytes: BYTES.length,
  sha256: 'ab'.repeat(32),
});

function grantFor(titleId: string, sessionId = SESSION_ID): string {
  return issueGrant(DEV_PLAYBACK_GRANT_SECRET, {
    titleId,
    episodeId: '',
    profileId: '7a5b6c8d-9e0f-4a1b-2c3d-4e5f6a7b8c9d',
    sessionId,
    maxMaturity: MaturityRating.MATURITY_RATING_TEEN_13,
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });
}

/**
 * Range requests with a grant for a title already resolved are answered before Nest's pipeline:
 * the same answers, the same checks, the same request budget.
 */
describe('playback before the pipeline', () => {
  const store = new FakeObjectStore();
  let services: FakeServices;
  let app: NestFastifyApplication;
  let pipelineCalls: jest.SpyInstance;
  // Each test plays from its own address, so each has the whole request budget.
  let address = 0;
  let remoteAddress = '';

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers, remoteAddress });
  const streamUrl = (grant = grantFor(TITLE_ID), titleId = TITLE_ID) =>
    `/api/v1/titles/${titleId}/stream?grant=${grant}`;

  beforeAll(async () => {
    await store.start();
    services = new FakeServices({
      catalog: {
        getTitle: (_call: unknown, done: sendUnaryData<unknown>) => done(null, { title }),
      },
      videos: {
        getPlayableVideo: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(null, { video, readUrl: store.put(video.id, BYTES) }),
      },
    });
    app = await createTestGateway(services, {
      CATALOG_CACHE_TTL_MS: '0',
      RATE_LIMIT_REQUESTS: String(REQUEST_BUDGET),
    });
    pipelineCalls = jest.spyOn(app.get(PlaybackAccess), 'forStream');
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
    await store.stop();
  });

  beforeEach(() => {
    app.get(PlayableVideos).forget(TITLE_ID);
    pipelineCalls.mockClear();
    address += 1;
    remoteAddress = `10.0.0.${address}`;
  });

  it('serves the Range requests after the first without the pipeline, with the same headers', async () => {
    const first = await get(streamUrl(), { range: 'bytes=0-99' });
    const next = [];
    for (const start of [100, 5_000, 99_990]) {
      next.push(await get(streamUrl(), { range: `bytes=${start}-${start + 9}` }));
    }
    expect(pipelineCalls).toHaveBeenCalledTimes(1);
    for (const answer of [first, ...next]) expect(answer.statusCode).toBe(206);
    expect(next[2].rawPayload.equals(BYTES.subarray(99_990, 100_000))).toBe(true);
    const volatile = new Set(['date', 'x-request-id', 'content-range', 'content-length']);
    const kept = (headers: Record<string, unknown>) =>
      Object.keys(headers)
        .filter((name) => !volatile.has(name))
        .sort()
        .map((name) => [name, headers[name]]);
    for (const answer of next) expect(kept(answer.headers)).toEqual(kept(first.headers));
    expect(next[0].headers['x-request-id']).toBeDefined();
  });

  it('measures the first Range request as answered by the pipeline, the next ones by the hot path', async () => {
    const measured = (path: AnsweringPath) =>
      requestsMeasured({ route: '/api/v1/titles/:id/stream', path, status: 206 });
    const [hot, pipeline] = [await measured('hot'), await measured('pipeline')];
    for (const start of [0, 100, 5_000]) {
      await get(streamUrl(), { range: `bytes=${start}-${start + 9}` });
    }
    expect(await measured('pipeline')).toBe(pipeline + 1);
    expect(await measured('hot')).toBe(hot + 2);
  });

  it('answers If-None-Match with 304 and an unsatisfiable range with a 416 problem', async () => {
    await get(streamUrl(), { range: 'bytes=0-9' });
    const notModified = await get(streamUrl(), { 'if-none-match': `"${video.sha256}"` });
    expect(notModified.statusCode).toBe(304);
    const beyond = await get(streamUrl(), { range: 'bytes=200000-' });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${BYTES.length}`);
    expect(beyond.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(pipelineCalls).toHaveBeenCalledTimes(1);
  });

  it('answers a store failure with the 503 problem itself, not a second read', async () => {
    await get(streamUrl(), { range: 'bytes=0-9' });
    store.failures.push(500);
    const answer = await get(streamUrl(), { range: 'bytes=0-9' });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.json()).toMatchObject({ code: 'VIDEO_STORE_UNAVAILABLE' });
    expect(pipelineCalls).toHaveBeenCalledTimes(1);
  });

  it('counts every request against the caller budget as the pipeline does', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < REQUEST_BUDGET; i++) {
      statuses.push((await get(streamUrl(), { range: 'bytes=0-9' })).statusCode);
    }
    expect(statuses.slice(0, REQUEST_BUDGET).every((status) => status === 206)).toBe(true);
    const limited = await get(streamUrl(), { range: 'bytes=0-9' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('refuses a grant of an ended session at once, however warm the title', async () => {
    const sessionId = '8b6c7d9e-0f1a-4b2c-3d4e-5f6a7b8c9d0e';
    const grant = grantFor(TITLE_ID, sessionId);
    expect((await get(streamUrl(grant), { range: 'bytes=0-9' })).statusCode).toBe(206);
    app.get(SessionCheck).endSessions([sessionId], Date.now() + 60_000);
    const refused = await get(streamUrl(grant), { range: 'bytes=0-9' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'INVALID_PLAYBACK_GRANT' });
  });

  it('leaves a grant for another title, or a query it does not know, to the pipeline', async () => {
    await get(streamUrl(), { range: 'bytes=0-9' });
    const otherTitle = await get(streamUrl(grantFor(OTHER_TITLE_ID)), { range: 'bytes=0-9' });
    expect(otherTitle.statusCode).toBe(401);
    const extra = await get(`${streamUrl()}&start=0`, { range: 'bytes=0-9' });
    expect(extra.statusCode).toBe(400);
  });
});
