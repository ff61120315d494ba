import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { paddedMp4, paddedMp4Size } from '@kinema/dev-infra';
import { kafkaClient } from '@kinema/platform/kafka';
import { logLevel, type Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Client } from './support/accounts';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';
import { forgeGrant, postChunks, sample, sampleRss, sha256 } from './support/videos';

interface VideoBody {
  id: string;
  titleId: string;
  status: string;
  sizeBytes: number;
  sha256: string;
  durationSeconds: number;
  contentType: string;
}
interface Problem {
  status: number;
  code?: string;
}

const GRANT_SECRET = 'e2e-playback-grant-secret-0123456789';
const BUCKET = 'kinema-videos';
// A gateway or videos service that buffered the 300 MB body would grow by that much.
const LARGE_UPLOAD_BYTES = 300 * 1024 * 1024;
const RSS_GROWTH_LIMIT = 160 * 1024 * 1024;

let system: TestSystem;
let api: string;
let adminToken: string;
let viewer: Client;
let profileId: string;
const clip = sample('bars-faststart.mp4');

beforeAll(async () => {
  system = await startTestSystem(20, { PLAYBACK_GRANT_SECRET: GRANT_SECRET });
  api = `${system.gatewayUrl}/api/v1`;
  const signIn = await request<{ tokens: { accessToken: string } }>(api, '/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(system.plan.admin),
  });
  adminToken = signIn.body.tokens.accessToken;
  viewer = new Client(api);
  profileId = (await viewer.register()).profileId;
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

/** Collects VideoFailed events from the start of the topic (the row's state, via its outbox). */
async function watchFailures(): Promise<{
  events: Array<{ titleId: string; videoId: string }>;
  consumer: Consumer;
}> {
  const events: Array<{ titleId: string; videoId: string }> = [];
  const kafka = kafkaClient({ brokers: [system.kafkaBrokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `e2e-videos-${randomUUID()}`,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'videos.videos.v1', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (String(message.headers?.['ce_type'] ?? '') !== 'kinema.videos.v1.VideoFailed') return;
      events.push(JSON.parse(String(message.value)) as { titleId: string; videoId: string });
    },
  });
  return { events, consumer };
}

const admin = () => ({ authorization: `Bearer ${adminToken}` });
const asViewer = (profile = profileId) => ({
  authorization: `Bearer ${viewer.token ?? ''}`,
  'x-profile-id': profile,
});

async function createMovie(maturityRating = '16+', popularity = 0): Promise<string> {
  const created = await request<{ id: string }>(api, '/titles', {
    method: 'POST',
    headers: { ...admin(), 'content-type': 'application/json' },
    body: JSON.stringify({
      slug: `e2e-video-${randomUUID().slice(0, 8)}`,
      type: 'movie',
      name: 'E2E video title',
      synopsis: 'A title the videos test uploads to.',
      releaseYear: 2025,
      runtimeMinutes: 1,
      maturityRating,
      genres: ['drama'],
      availability: 'published',
      popularity,
    }),
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

function upload(titleId: string, bytes: Buffer, headers: Record<string, string> = {}) {
  return request<VideoBody & Problem>(api, `/titles/${titleId}/video`, {
    method: 'POST',
    headers: { ...admin(), 'content-type': 'video/mp4', ...headers },
    body: bytes,
  });
}

async function stream(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(`${api}${path}`, { method, headers, redirect: 'manual' });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('uploading and playing a video through the gateway', () => {
  let titleId: string;
  let video: VideoBody;

  beforeAll(async () => {
    titleId = await createMovie();
  });

  it('uploads a clip as admin: 201 with id, size, checksum, duration and status, readable at Location', async () => {
    const answer = await upload(titleId, clip);
    expect(answer.status).toBe(201);
    video = answer.body;
    expect(video).toMatchObject({
      titleId,
      status: 'ready',
      sizeBytes: clip.length,
      sha256: sha256(clip),
    });
    expect(video.durationSeconds).toBeGreaterThan(3);
    expect(answer.headers.get('location')).toBe(`/api/v1/videos/${video.id}`);
    const again = await request<VideoBody>(
      system.gatewayUrl,
      answer.headers.get('location') ?? '',
      { headers: admin() },
    );
    expect(again.body).toMatchObject({ id: video.id, status: 'ready', sha256: video.sha256 });
  });

  it('plays the whole file with Accept-Ranges, a strong ETag, type and length', async () => {
    const { response, bytes } = await stream(`/titles/${titleId}/stream`, asViewer());
    expect(response.status).toBe(200);
    expect(sha256(bytes)).toBe(video.sha256);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toBe(`"${video.sha256}"`);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(clip.length));
  });

  it('serves ranges: the start, a seek into the middle, the last bytes', async () => {
    const mid = Math.floor(clip.length / 2);
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      [`bytes=${mid}-${mid + 9999}`, mid, mid + 9999],
      ['bytes=-500', clip.length - 500, clip.length - 1],
      [`bytes=${clip.length - 10}-`, clip.length - 10, clip.length - 1],
    ] as const) {
      const { response, bytes } = await stream(`/titles/${titleId}/stream`, {
        ...asViewer(),
        range,
      });
      expect([range, response.status]).toEqual([range, 206]);
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${clip.length}`);
      expect(bytes.equals(clip.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers 416 with Content-Range */size past the end, 200 to several ranges', async () => {
    const past = await stream(`/titles/${titleId}/stream`, {
      ...asViewer(),
      range: `bytes=${clip.length}-`,
    });
    expect(past.response.status).toBe(416);
    expect(past.response.headers.get('content-range')).toBe(`bytes */${clip.length}`);
    const several = await stream(`/titles/${titleId}/stream`, {
      ...asViewer(),
      range: 'bytes=0-9,20-29',
    });
    expect(several.response.status).toBe(200);
    expect(several.bytes.length).toBe(clip.length);
  });

  it('answers HEAD with the headers of a GET and no body', async () => {
    const { response, bytes } = await stream(`/titles/${titleId}/stream`, asViewer(), 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(clip.length));
    expect(response.headers.get('etag')).toBe(`"${video.sha256}"`);
    expect(bytes.length).toBe(0);
  });

  it('honours If-Range: the current ETag gets the range, a stale one the whole file', async () => {
    const current = await stream(`/titles/${titleId}/stream`, {
      ...asViewer(),
      range: 'bytes=0-9',
      'if-range': `"${video.sha256}"`,
    });
    expect(current.response.status).toBe(206);
    const stale = await stream(`/titles/${titleId}/stream`, {
      ...asViewer(),
      range: 'bytes=0-9',
      'if-range': '"stale"',
    });
    expect(stale.response.status).toBe(200);
    expect(sha256(stale.bytes)).toBe(video.sha256);
  });

  it('plays with a grant URL and no Authorization header; refuses tampered, expired and foreign grants', async () => {
    const granted = await viewer.call<{ streamUrl: string }>(
      'POST',
      `/titles/${titleId}/playback`,
      {
        headers: { 'x-profile-id': profileId },
      },
    );
    expect(granted.status).toBe(200);
    const url = `${system.gatewayUrl}${granted.body.streamUrl}`;
    const played = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(played.status).toBe(206);
    expect(Buffer.from(await played.arrayBuffer()).equals(clip.subarray(100, 200))).toBe(true);

    const grant = new URL(url).searchParams.get('grant') ?? '';
    const tampered = `${grant.slice(0, 10)}${grant[10] === 'A' ? 'B' : 'A'}${grant.slice(11)}`;
    const expired = forgeGrant(GRANT_SECRET, {
      t: titleId,
      e: '',
      p: profileId,
      s: randomUUID(),
      m: 'MATURITY_RATING_UNSPECIFIED',
      x: Math.floor(Date.now() / 1000) - 1,
    });
    const otherTitle = await createMovie();
    for (const [label, path] of [
      ['tampered', `/titles/${titleId}/stream?grant=${tampered}`],
      ['expired', `/titles/${titleId}/stream?grant=${expired}`],
      ['other title', `/titles/${otherTitle}/stream?grant=${grant}`],
      ['none', `/titles/${titleId}/stream`],
    ]) {
      const refused = await fetch(`${api}${path}`);
      expect([label, refused.status]).toEqual([label, 401]);
    }
  });

  it('hides the title from a kids profile: 404 on stream and on playback grants', async () => {
    const kids = await viewer.call<{ id: string }>('POST', '/me/profiles', {
      body: { name: 'Kids', kids: true },
    });
    expect(kids.status).toBe(201);
    const { response } = await stream(`/titles/${titleId}/stream`, asViewer(kids.body.id));
    expect(response.status).toBe(404);
    const grant = await viewer.call('POST', `/titles/${titleId}/playback`, {
      headers: { 'x-profile-id': kids.body.id },
    });
    expect(grant.status).toBe(404);
  });
});

describe('replacing the video of a title being played', () => {
  it('plays the new video through the same grant URL as soon as the replacement is ready', async () => {
    const movie = await createMovie();
    expect((await upload(movie, clip)).status).toBe(201);
    const granted = await viewer.call<{ streamUrl: string }>('POST', `/titles/${movie}/playback`, {
      headers: { 'x-profile-id': profileId },
    });
    const url = `${system.gatewayUrl}${granted.body.streamUrl}`;
    const before = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(before.headers.get('etag')).toBe(`"${sha256(clip)}"`);
    await before.arrayBuffer();
    // The gateway resolved the title above; the old object is deleted once the new one is ready.
    const other = sample('testsrc-moov-at-end.mp4');
    expect((await upload(movie, other)).status).toBe(201);
    const after = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(after.status).toBe(206);
    expect(after.headers.get('etag')).toBe(`"${sha256(other)}"`);
    expect(Buffer.from(await after.arrayBuffer()).equals(other.subarray(0, 100))).toBe(true);
  });
});

describe('refused uploads', () => {
  let titleId: string;
  beforeAll(async () => {
    titleId = await createMovie();
  });

  it('rejects a file that is not a valid video of its type with 422 VIDEO_UNPROCESSABLE', async () => {
    const fake = Buffer.from(
      'this is not an mp4 at all, just text pretending to be one'.repeat(100),
    );
    const answer = await upload(titleId, fake);
    expect([answer.status, answer.body.code]).toEqual([422, 'VIDEO_UNPROCESSABLE']);
  });

  it('refuses other media types (415), a missing length (411) and a length above the limit (413)', async () => {
    expect(
      (await upload(titleId, clip, { 'content-type': 'application/octet-stream' })).status,
    ).toBe(415);
    expect(
      (await upload(titleId, Buffer.from('{}'), { 'content-type': 'application/json' })).status,
    ).toBe(415);
    const chunked = await fetch(`${api}/titles/${titleId}/video`, {
      method: 'POST',
      headers: { ...admin(), 'content-type': 'video/mp4' },
      body: new Blob([new Uint8Array(clip)]).stream(),
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(chunked.status).toBe(411);
    const huge = await postChunks(
      `${api}/titles/${titleId}/video`,
      { ...admin(), 'content-type': 'video/mp4', 'content-length': String(3 * 1024 ** 3) },
      [clip],
    );
    expect(huge === 'aborted' ? 'aborted' : huge.status).toBe(413);
  });

  it('refuses viewers (403) and anonymous callers (401)', async () => {
    const asViewerUpload = await request(api, `/titles/${titleId}/video`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer.token ?? ''}`, 'content-type': 'video/mp4' },
      body: clip,
    });
    expect(asViewerUpload.status).toBe(403);
    const anonymous = await request(api, `/titles/${titleId}/video`, {
      method: 'POST',
      headers: { 'content-type': 'video/mp4' },
      body: clip,
    });
    expect(anonymous.status).toBe(401);
  });

  it('never lets a crafted id reach another object', async () => {
    for (const path of [
      '/videos/..%2F..%2Fx',
      '/videos/%2E%2E%2F%2E%2E%2Fkinema-videos%2Fvideos',
      `/titles/..%2F..%2Fx/stream`,
      `/titles/${titleId}/episodes/..%2Fx/stream`,
    ]) {
      const answer = await fetch(`${api}${path}`, { headers: { ...asViewer(), ...admin() } });
      expect([path, [400, 404].includes(answer.status)]).toEqual([path, true]);
    }
    const unknown = await fetch(`${api}/videos/${randomUUID()}`, { headers: admin() });
    expect(unknown.status).toBe(404);
  });

  it('cancels the upload when the client disconnects: no parts left in S3, the row marked failed', async () => {
    const abortTitle = await createMovie();
    const padding = 64 * 1024 * 1024;
    const outcome = await postChunks(
      `${api}/titles/${abortTitle}/video`,
      {
        ...admin(),
        'content-type': 'video/mp4',
        'content-length': String(paddedMp4Size(clip, padding)),
      },
      paddedMp4(clip, padding),
      20 * 1024 * 1024,
    );
    expect(outcome).toBe('aborted');
    const failures = await watchFailures();
    const failed = await eventually(async () => {
      const event = failures.events.find((e) => e.titleId === abortTitle);
      expect(event).toBeDefined();
      return event;
    }, 45_000).finally(() => failures.consumer.disconnect());
    const row = await request<VideoBody>(api, `/videos/${failed?.videoId ?? ''}`, {
      headers: admin(),
    });
    expect(row.body.status).toBe('failed');
    const s3 = new S3Client({
      endpoint: system.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'kinema-dev', secretAccessKey: 'kinema-dev-secret' },
    });
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    s3.destroy();
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('streams a 300 MB upload with flat memory in the gateway and the videos service', async () => {
    const bigTitle = await createMovie();
    const pids = {
      gateway: system.supervisor.get('gateway')?.pid ?? -1,
      videos: system.supervisor.get('videos')?.pid ?? -1,
    };
    const sampler = sampleRss(pids);
    const answer = await postChunks(
      `${api}/titles/${bigTitle}/video`,
      {
        ...admin(),
        'content-type': 'video/mp4',
        'content-length': String(paddedMp4Size(clip, LARGE_UPLOAD_BYTES)),
      },
      paddedMp4(clip, LARGE_UPLOAD_BYTES),
    );
    const rss = sampler.stop();
    const mib = (n: number) => Math.round(n / 1024 / 1024);
    process.stdout.write(
      `300 MB upload RSS: gateway ${mib(rss.gateway.baseline)} -> ${mib(rss.gateway.peak)} MiB, videos ${mib(rss.videos.baseline)} -> ${mib(rss.videos.peak)} MiB\n`,
    );
    expect(answer === 'aborted' ? 0 : answer.status).toBe(201);
    expect(rss.gateway.peak - rss.gateway.baseline).toBeLessThan(RSS_GROWTH_LIMIT);
    expect(rss.videos.peak - rss.videos.baseline).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 240_000);
});

describe('browse rows', () => {
  it('shows a published title once its clip is ready', async () => {
    const titleId = await createMovie('13+', 1_000_000);
    const inRows = async () => {
      const browse = await request<{ rows: Array<{ items: Array<{ id: string }> }> }>(
        api,
        '/browse?rowLimit=50',
      );
      return browse.body.rows.some((row) => row.items.some((item) => item.id === titleId));
    };
    expect(await inRows()).toBe(false);
    expect(
      (await upload(titleId, sample('testsrc.webm'), { 'content-type': 'video/webm' })).status,
    ).toBe(201);
    await eventually(async () => expect(await inRows()).toBe(true), 30_000, 250);
  });
});

describe('redirect mode', () => {
  it('answers 302 to a presigned S3 URL that serves ranges', async () => {
    const titleId = await createMovie();
    expect((await upload(titleId, clip)).status).toBe(201);
    await system.restart('gateway', { PLAYBACK_MODE: 'redirect' });
    const { response } = await stream(`/titles/${titleId}/stream`, asViewer());
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(system.s3Endpoint)).toBe(true);
    // The pages let a <video> follow it there, and nowhere else.
    expect(response.headers.get('content-security-policy')).toContain(
      `media-src 'self' ${new URL(system.s3Endpoint).origin}`,
    );
    const direct = await fetch(location, { headers: { range: 'bytes=0-99' } });
    expect(direct.status).toBe(206);
    expect(Buffer.from(await direct.arrayBuffer()).equals(clip.subarray(0, 100))).toBe(true);
  });
});
