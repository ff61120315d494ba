import { TitleSort, TOPICS, type Title } from '@kinema/contracts';
import { startKafkaBroker, waitFor, type RunningKafkaBroker } from '@kinema/dev-infra';
import { randomUUID } from 'node:crypto';
import { aPlaybackProgressed, anEvent } from '../testing/catalog-events.builder';
import { defined, startTestCatalog, type CatalogHarness } from '../testing/catalog-test-harness';
import { makePlayable } from '../testing/deliver-event';
import { KafkaTestClient } from '../testing/kafka-test-client';
import { aMovie } from '../testing/title-input.builder';
import { addDays, utcDay } from './playback-event.payload';
import { TrendingWindowJob } from './trending-window.job';

let broker: RunningKafkaBroker;
let catalog: CatalogHarness;
let kafka: KafkaTestClient;

async function create(): Promise<Title> {
  const title = defined((await catalog.rpc.createTitle({ title: aMovie() })).title, 'title');
  await makePlayable(catalog, title.id);
  return title;
}

async function trendingRow(): Promise<string[]> {
  const { rows } = await catalog.rpc.browse({ rowLimit: 50 });
  const row = rows.find((r) => r.id === 'trending');
  if (row) expect(rows[0]?.id).toBe('trending');
  return row?.titles.map((title) => title.id) ?? [];
}

/** Waits until the "Trending now" row starts with `ids`, in that order. */
async function untilTrendingStartsWith(ids: string[]): Promise<void> {
  let last: string[] = [];
  await waitFor(
    async () => {
      last = await trendingRow();
      return ids.every((id, index) => last[index] === id);
    },
    `"Trending now" starts with ${ids.join(', ')}`,
    { describe: () => last },
  );
}

const view = (titleId: string, profileId: string, occurredAt?: string) =>
  aPlaybackProgressed({ titleId, profileId, ...(occurredAt ? { occurredAt } : {}) });

beforeAll(async () => {
  broker = await startKafkaBroker();
  catalog = await startTestCatalog({ KAFKA_BROKERS: broker.address });
  kafka = new KafkaTestClient(broker.address);
}, 60_000);

afterAll(async () => {
  await kafka?.close();
  await catalog?.close();
  await broker?.stop();
});

describe('users.playback.v1 -> trending', () => {
  it('ranks titles by distinct viewers per day, counting replays and repeat reports once', async () => {
    const [three, two, one, marker] = [
      await create(),
      await create(),
      await create(),
      await create(),
    ];
    const [p1, p2, p3] = [randomUUID(), randomUUID(), randomUUID()];
    const replayed = view(one.id, p1);
    const today = new Date().toISOString();
    await kafka.send(
      TOPICS.usersPlayback,
      view(three.id, p1),
      view(three.id, p2),
      view(three.id, p3),
      view(two.id, p2),
      view(two.id, p3),
      // The same event five times, and the same profile reporting again the same day.
      ...Array.from({ length: 5 }, () => replayed),
      view(one.id, p1, today),
      view(one.id, p1, `${utcDay(today)}T00:00:01+00:00`),
      // p1's events share a partition, so once the marker counts, all of the above have.
      view(marker.id, p1),
    );
    await waitFor(async () => (await trendingRow()).includes(marker.id), 'the marker counts');
    // one and marker have a single view each: the score tie is broken by id, descending. Had a
    // replay or repeat counted, one would rank above two (or three) and this would never hold.
    const tail = [one.id, marker.id].sort().reverse();
    await untilTrendingStartsWith([three.id, two.id, ...tail]);
    expect(await trendingRow()).toHaveLength(4);
    const listed = await catalog.rpc.listTitles({ sort: TitleSort.TITLE_SORT_TRENDING, limit: 3 });
    expect(listed.titles.map((title) => title.id)).toEqual([three.id, two.id, tail[0]]);
    const next = await catalog.rpc.listTitles({
      sort: TitleSort.TITLE_SORT_TRENDING,
      limit: 3,
      cursor: listed.nextCursor,
    });
    expect(next.titles[0]?.id).toBe(tail[1]);
  });

  it('counts a profile again on another day, ignores unknown event types, and dead-letters malformed data', async () => {
    // On equal scores the higher id ranks first, so `twoDays` can only rank above `oneView`
    // with two views: one per day of the same profile.
    const [twoDays, oneView] = [await create(), await create()].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    const profile = randomUUID();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const malformed = anEvent(
      'kinema.users.v1.PlaybackProgressed',
      profile,
      { profileId: profile, titleId: defined(twoDays).id, occurredAt: 'yesterday-ish' },
      '/kinema/users',
    );
    const unknown = anEvent('kinema.users.v1.PlaybackPaused', profile, {}, '/kinema/users');
    const deadLetters = await kafka.collect(`${TOPICS.usersPlayback}.dlq`);
    await kafka.send(
      TOPICS.usersPlayback,
      unknown,
      malformed,
      view(defined(twoDays).id, profile, yesterday),
      view(defined(twoDays).id, profile),
      view(defined(oneView).id, randomUUID()),
    );
    let row: string[] = [];
    await waitFor(
      async () => {
        row = await trendingRow();
        const [a, b] = [row.indexOf(defined(twoDays).id), row.indexOf(defined(oneView).id)];
        return a >= 0 && b >= 0 && a < b;
      },
      'the title viewed on two days ranks above the one viewed once',
      { describe: () => row },
    );
    await waitFor(
      () => deadLetters.some((e) => e.headers['ce_id'] === malformed.id),
      'the malformed event is dead-lettered',
    );
    expect(deadLetters.map((e) => e.headers['ce_id'])).toEqual([malformed.id]);
    expect(deadLetters[0]?.headers['kinema_dlq_group']).toBe('catalog.trending');
  });

  it('drops views from the ranking once their day leaves the 7-day window', async () => {
    const title = await create();
    const profiles = Array.from({ length: 6 }, () => randomUUID());
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000).toISOString();
    await kafka.send(TOPICS.usersPlayback, ...profiles.map((p) => view(title.id, p, fiveDaysAgo)));
    await untilTrendingStartsWith([title.id]);

    const job = catalog.running.app.get(TrendingWindowJob);
    const today = utcDay(new Date().toISOString());
    // Two days on, five days ago is seven days ago: outside the window.
    expect(await job.advance(addDays(today, 2))).toBe(addDays(today, -4));
    expect(await trendingRow()).not.toContain(title.id);
    // A late report for a day already outside the window does not count either.
    const lateProfile = randomUUID();
    await kafka.send(TOPICS.usersPlayback, view(title.id, lateProfile, fiveDaysAgo));
    const marker = await create();
    await kafka.send(TOPICS.usersPlayback, view(marker.id, lateProfile));
    await waitFor(async () => (await trendingRow()).includes(marker.id), 'the marker counts');
    expect(await trendingRow()).not.toContain(title.id);
  });
});
