import { credentials, Metadata } from '@grpc/grpc-js';
import { TOPICS, VideosServiceClient } from '@kinema/contracts';
import { gatewayEventsJoined } from '@kinema/dev-infra';
import { kafkaClient, toKafkaMessage } from '@kinema/platform';
import { logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { Client } from './support/accounts';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';
import { sample, uploadClip } from './support/videos';

interface Message {
  type: string;
  title?: { id: string };
  titleId?: string;
  changedFields?: string[];
}
interface TitleItem {
  id: string;
  name: string;
  version: number;
  playable: boolean;
}

const clip = sample('bars-faststart.mp4');
let system: TestSystem;
let api: string;
let admin: Client;

/** A WebSocket client on /ws that records every message. */
async function listen(): Promise<{ messages: Message[]; close(): void }> {
  const socket = new WebSocket(`${system.gatewayUrl.replace('http', 'ws')}/ws`);
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
  await new Promise<void>((done, fail) => {
    socket.once('open', () => done());
    socket.once('error', fail);
  });
  await eventually(async () => expect(messages.some((m) => m.type === 'welcome')).toBe(true));
  return { messages, close: () => socket.close() };
}

async function createTitle(slug: string): Promise<TitleItem> {
  const created = await admin.call<TitleItem>('POST', '/titles', {
    body: {
      slug,
      type: 'movie',
      name: `Realtime ${slug}`,
      releaseYear: 2025,
      runtimeMinutes: 90,
      maturityRating: '13+',
      genres: ['drama'],
      availability: 'published',
      popularity: 1_000_000,
    },
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** Uploads straight to the videos service over gRPC, as the gateway would, without asking the catalog. */
async function uploadToVideosService(titleId: string): Promise<void> {
  const target = system.supervisor.address('videos', 'grpc');
  const client = new VideosServiceClient(target, credentials.createInsecure());
  try {
    await new Promise<void>((done, fail) => {
      const call = client.uploadVideo(
        new Metadata(),
        { deadline: new Date(Date.now() + 60_000) },
        (error) => (error ? fail(error) : done()),
      );
      call.write({
        metadata: { titleId, episodeId: '', contentType: 'video/mp4', contentLength: clip.length },
      });
      call.write({ chunk: clip });
      call.end();
    });
  } finally {
    client.close();
  }
}

async function title(id: string): Promise<TitleItem> {
  return (await request<TitleItem>(api, `/titles/${id}`)).body;
}

/**
 * How long the gateway keeps a cached page (its default, given explicitly so the bound below is
 * the same number). A view changes no title, so nothing invalidates a cached /browse for it: the
 * home page's Trending now shows new views once that page expires.
 */
const CATALOG_CACHE_TTL_MS = 30_000;

beforeAll(async () => {
  system = await startTestSystem(30, { CATALOG_CACHE_TTL_MS: String(CATALOG_CACHE_TTL_MS) });
  api = `${system.gatewayUrl}/api/v1`;
  admin = new Client(api);
  await admin.signIn(system.plan.admin);
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

describe('events flow across services to clients', () => {
  it('pushes title.updated when an admin changes a title, and the next read shows the change', async () => {
    const created = await createTitle('rt-rename');
    await gatewayEventsJoined(system.gatewayUrl);
    expect((await title(created.id)).name).toBe('Realtime rt-rename');
    const ws = await listen();
    try {
      const patched = await admin.call('PATCH', `/titles/${created.id}`, {
        body: { name: 'Renamed live' },
      });
      expect(patched.status).toBe(200);
      expect((await title(created.id)).name).toBe('Renamed live');
      await eventually(async () =>
        expect(ws.messages).toContainEqual(
          expect.objectContaining({
            type: 'title.updated',
            title: expect.objectContaining({ id: created.id }),
          }),
        ),
      );
    } finally {
      ws.close();
    }
  });

  it('an uploaded clip reaches clients as video.ready and title.published, and /browse shows the title', async () => {
    const created = await createTitle('rt-upload');
    const ws = await listen();
    await gatewayEventsJoined(system.gatewayUrl);
    try {
      expect(await uploadClip(api, created.id, clip, admin)).toBe(201);
      await eventually(async () => {
        expect(ws.messages).toContainEqual(
          expect.objectContaining({ type: 'video.ready', titleId: created.id }),
        );
        expect(ws.messages).toContainEqual(
          expect.objectContaining({
            type: 'title.published',
            title: expect.objectContaining({ id: created.id }),
          }),
        );
      });
      await eventually(async () => {
        const browse = await request<{ rows: Array<{ items: TitleItem[] }> }>(api, '/browse');
        expect(browse.body.rows.flatMap((r) => r.items.map((t) => t.id))).toContain(created.id);
      });
    } finally {
      ws.close();
    }
  });

  it('progress from three profiles puts a title first in Trending now', async () => {
    const created = await createTitle('rt-trending');
    expect(await uploadClip(api, created.id, clip, admin)).toBe(201);
    await eventually(async () => expect((await title(created.id)).playable).toBe(true));
    for (let i = 0; i < 3; i++) {
      const viewer = new Client(api);
      const account = await viewer.register();
      const progress = await viewer.call(
        'PUT',
        `/me/profiles/${account.profileId}/progress/${created.id}`,
        {
          body: { positionSeconds: 30, durationSeconds: 600 },
        },
      );
      expect(progress.status).toBe(200);
    }
    // The views reach the catalog as events; /browse shows them once the page the gateway
    // cached before they counted has expired (a page cached after the title's last change).
    await eventually(async () => {
      const browse = await request<{ rows: Array<{ id: string; items: TitleItem[] }> }>(
        api,
        '/browse',
      );
      const trending = browse.body.rows.find((r) => r.id === 'trending');
      expect(trending?.items[0]?.id).toBe(created.id);
    }, CATALOG_CACHE_TTL_MS + 15_000);
  });

  it('the same VideoReady delivered 5 more times changes nothing more', async () => {
    const created = await createTitle('rt-replay');
    const ready = (videoId: string, durationSeconds: number, id = randomUUID()) =>
      toKafkaMessage({
        id,
        type: 'kinema.videos.v1.VideoReady',
        source: '/kinema/videos',
        time: new Date().toISOString(),
        subject: created.id,
        data: {
          titleId: created.id,
          episodeId: null,
          videoId,
          durationSeconds,
          sizeBytes: clip.length,
          sha256: 'a'.repeat(64),
        },
      });
    const producer = kafkaClient({
      clientId: 'e2e-replay',
      brokers: [system.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    try {
      const first = ready(randomUUID(), 42);
      await producer.send({ topic: TOPICS.videosVideos, messages: [first] });
      await eventually(async () => expect((await title(created.id)).playable).toBe(true));
      const once = await title(created.id);
      await producer.send({
        topic: TOPICS.videosVideos,
        messages: [first, first, first, first, first],
      });
      // A later event on the same key (so the same partition, after the replays): once its effect
      // shows, every replay has been handled, and the version moved by exactly this one change.
      await producer.send({ topic: TOPICS.videosVideos, messages: [ready(randomUUID(), 43)] });
      await eventually(async () =>
        expect(
          (await request<{ durationSeconds: number }>(api, `/titles/${created.id}`)).body
            .durationSeconds,
        ).toBe(43),
      );
      expect((await title(created.id)).version).toBe(once.version + 1);
    } finally {
      await producer.disconnect();
    }
  });

  it('a VideoReady that arrives while the catalog is down makes the title playable after it restarts', async () => {
    const created = await createTitle('rt-catalog-down');
    await system.supervisor.kill('catalog');
    try {
      await uploadToVideosService(created.id);
    } finally {
      await system.restart('catalog');
    }
    await eventually(async () => expect((await title(created.id)).playable).toBe(true), 30_000);
  });

  it('every event written while the broker is away for 10 seconds arrives once it is back', async () => {
    const created = await Promise.all([
      createTitle('rt-outage-1'),
      createTitle('rt-outage-2'),
      createTitle('rt-outage-3'),
    ]);
    const ws = await listen();
    await gatewayEventsJoined(system.gatewayUrl);
    try {
      await system.fleet.hold(['kafka']);
      for (const [i, t] of created.entries()) {
        const patched = await admin.call('PATCH', `/titles/${t.id}`, {
          body: { name: `Written during the outage ${i}` },
        });
        expect(patched.status).toBe(200);
      }
      // The outage itself is the scenario: ten seconds without a broker.
      await new Promise((done) => setTimeout(done, 10_000));
      await system.fleet.release(['kafka']);
      await eventually(async () => {
        for (const t of created) {
          expect(ws.messages).toContainEqual(
            expect.objectContaining({
              type: 'title.updated',
              title: expect.objectContaining({ id: t.id }),
              changedFields: ['name'],
            }),
          );
        }
      }, 60_000);
    } finally {
      ws.close();
    }
  }, 120_000);

  it('200 WebSocket clients connected at once all receive a broadcast', async () => {
    const created = await createTitle('rt-crowd');
    await gatewayEventsJoined(system.gatewayUrl);
    const clients = await Promise.all(Array.from({ length: 200 }, () => listen()));
    try {
      await admin.call('PATCH', `/titles/${created.id}`, { body: { name: 'For the crowd' } });
      await eventually(async () => {
        for (const c of clients) {
          expect(
            c.messages.some((m) => m.type === 'title.updated' && m.title?.id === created.id),
          ).toBe(true);
        }
      });
    } finally {
      for (const c of clients) c.close();
    }
  });
});
