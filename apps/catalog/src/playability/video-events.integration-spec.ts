import {
  CATALOG_TITLE_EVENTS,
  deadLetterTopic,
  MaturityRating,
  TOPICS,
  type Title,
} from '@kinema/contracts';
import { startKafkaBroker, waitFor, type RunningKafkaBroker } from '@kinema/dev-infra';
import { randomUUID } from 'node:crypto';
import { aVideoFailed, aVideoReady, anEvent } from '../testing/catalog-events.builder';
import { defined, startTestCatalog, type CatalogHarness } from '../testing/catalog-test-harness';
import { KafkaTestClient, type ReceivedEvent } from '../testing/kafka-test-client';
import { aMovie, aSeason, aSeries } from '../testing/title-input.builder';

const everyone = { maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED, includeDrafts: true };
let broker: RunningKafkaBroker;
let catalog: CatalogHarness;
let kafka: KafkaTestClient;
let titleEvents: ReceivedEvent[];
let deadLetters: ReceivedEvent[];

async function create(input = aMovie()): Promise<Title> {
  return defined((await catalog.rpc.createTitle({ title: input })).title, 'created title');
}

async function get(id: string): Promise<Title> {
  return defined((await catalog.rpc.getTitle({ id, visibility: everyone })).title, 'title');
}

async function browsed(): Promise<Set<string>> {
  const { rows } = await catalog.rpc.browse({ rowLimit: 50 });
  return new Set(rows.flatMap((row) => row.titles.map((title) => title.id)));
}

function updatesOf(titleId: string): ReceivedEvent[] {
  return titleEvents.filter((e) => e.key === titleId && e.type === CATALOG_TITLE_EVENTS.updated);
}

async function untilTitle(id: string, what: string, check: (title: Title) => boolean) {
  let last: Title | undefined;
  await waitFor(
    async () => {
      last = await get(id);
      return check(last);
    },
    what,
    { describe: () => last && { playable: last.playable, duration: last.durationSeconds } },
  );
}

beforeAll(async () => {
  broker = await startKafkaBroker();
  catalog = await startTestCatalog({ KAFKA_BROKERS: broker.address });
  kafka = new KafkaTestClient(broker.address);
  titleEvents = await kafka.collect(TOPICS.catalogTitles);
  deadLetters = await kafka.collect(deadLetterTopic(TOPICS.videosVideos));
}, 60_000);

afterAll(async () => {
  await kafka?.close();
  await catalog?.close();
  await broker?.stop();
});

describe('videos.videos.v1 -> playable titles', () => {
  it('shows a published title in Browse, playable with its duration, once its VideoReady arrives', async () => {
    const movie = await create();
    expect(movie.playable).toBe(false);
    expect(await browsed()).not.toContain(movie.id);
    const listed = await catalog.rpc.listTitles({ limit: 100 });
    expect(listed.titles.map((title) => title.id)).toContain(movie.id);

    await kafka.send(
      TOPICS.videosVideos,
      aVideoReady({ titleId: movie.id, durationSeconds: 5_400.4 }),
    );
    await untilTitle(movie.id, 'the movie is playable', (title) => title.playable);

    const playable = await get(movie.id);
    expect(playable.durationSeconds).toBe(5_400);
    expect(playable.version).toBe(movie.version + 1);
    expect(await browsed()).toContain(movie.id);
    await waitFor(() => updatesOf(movie.id).length === 1, 'a TitleUpdated is published');
    const [update] = updatesOf(movie.id);
    expect(update?.data['changedFields']).toEqual(['playable', 'duration_seconds']);
    expect(update?.data['title']).toMatchObject({ playable: true, availability: 'published' });

    // Editing the title keeps its video.
    const renamed = await catalog.rpc.patchTitle({
      id: movie.id,
      title: aMovie({ name: 'Renamed, still playable' }),
      updateMask: ['name'],
    });
    expect(renamed.title).toMatchObject({ playable: true, durationSeconds: 5_400 });
  });

  it("makes an episode playable, and its series with it, from the episode's VideoReady", async () => {
    const series = await create(aSeries([aSeason(1, 2)]));
    const [first, second] = defined((await get(series.id)).seasons[0]).episodes;
    await kafka.send(
      TOPICS.videosVideos,
      aVideoReady({ titleId: series.id, episodeId: defined(first).id, durationSeconds: 1_500 }),
    );
    await untilTitle(series.id, 'the series is playable', (title) => title.playable);

    const episodes = defined((await get(series.id)).seasons[0]).episodes;
    expect(episodes.map((e) => [e.id, e.playable, e.durationSeconds])).toEqual([
      [defined(first).id, true, 1_500],
      [defined(second).id, false, 0],
    ]);
    expect((await get(series.id)).durationSeconds).toBe(0);
    expect(await browsed()).toContain(series.id);
  });

  it('changes a title once for the same VideoReady delivered five times: one new version, one TitleUpdated', async () => {
    const movie = await create();
    const ready = aVideoReady({ titleId: movie.id, durationSeconds: 3_000 });
    // Three redeliveries of the same event (deduplicated by id), two re-sends with new ids
    // (absorbed by the handler setting, not toggling, state); then a different video as a
    // marker: the events of one title share a partition, so the five came before it.
    await kafka.send(
      TOPICS.videosVideos,
      ready,
      ready,
      ready,
      { ...ready, id: randomUUID() },
      { ...ready, id: randomUUID() },
      aVideoReady({ titleId: movie.id, durationSeconds: 61 }),
    );
    await untilTitle(movie.id, 'the marker video is current', (t) => t.durationSeconds === 61);

    expect((await get(movie.id)).version).toBe(movie.version + 2);
    await waitFor(() => updatesOf(movie.id).length >= 2, 'both TitleUpdated events are published');
    expect(updatesOf(movie.id).map((e) => e.data['changedFields'])).toEqual([
      ['playable', 'duration_seconds'],
      ['duration_seconds'],
    ]);
  });

  it('keeps a title playable on a VideoFailed for a replaced video, and hides it on one for the current video', async () => {
    const movie = await create();
    const marker = await create();
    const first = aVideoReady({ titleId: movie.id, durationSeconds: 100 });
    const replacement = aVideoReady({ titleId: movie.id, durationSeconds: 200 });
    await kafka.send(
      TOPICS.videosVideos,
      first,
      replacement,
      aVideoFailed({ titleId: movie.id, videoId: first.data.videoId }),
      // Keyed like the movie's events, so it is handled after the stale failure.
      { ...aVideoReady({ titleId: marker.id }), subject: movie.id },
    );
    await untilTitle(marker.id, 'the marker title is playable', (title) => title.playable);
    expect(await get(movie.id)).toMatchObject({ playable: true, durationSeconds: 200 });
    expect(await browsed()).toContain(movie.id);

    await kafka.send(
      TOPICS.videosVideos,
      aVideoFailed({ titleId: movie.id, videoId: replacement.data.videoId }),
    );
    await untilTitle(movie.id, 'the movie is no longer playable', (title) => !title.playable);
    expect((await get(movie.id)).durationSeconds).toBe(0);
    expect(await browsed()).not.toContain(movie.id);
  });

  it('ignores unknown event types and unknown titles, and dead-letters a VideoReady with malformed data', async () => {
    const movie = await create();
    const key = movie.id;
    const unknownType = anEvent('kinema.videos.v1.VideoTranscoded', key, { titleId: key }, 'x');
    const unknownTitle = { ...aVideoReady({ titleId: randomUUID() }), subject: key };
    const malformed = anEvent(
      'kinema.videos.v1.VideoReady',
      key,
      { titleId: key, videoId: 'v', durationSeconds: 'long' },
      '/kinema/videos',
    );
    await kafka.send(
      TOPICS.videosVideos,
      unknownType,
      unknownTitle,
      malformed,
      aVideoReady({ titleId: movie.id }),
    );
    await untilTitle(movie.id, 'the valid event after them applies', (title) => title.playable);

    await waitFor(
      () => deadLetters.some((e) => e.headers['ce_id'] === malformed.id),
      'the malformed event is dead-lettered',
    );
    const dead = deadLetters.find((e) => e.headers['ce_id'] === malformed.id);
    expect(dead?.headers['kinema_dlq_error']).toContain('durationSeconds');
    expect(dead?.headers['kinema_dlq_group']).toBe('catalog.videos');
    const deadIds = deadLetters.map((e) => e.headers['ce_id']);
    expect(deadIds).not.toContain(unknownType.id);
    expect(deadIds).not.toContain(unknownTitle.id);
  });
});
