import { status } from '@grpc/grpc-js';
import { USERS_PLAYBACK_EVENTS } from '@kinema/contracts';
import { aTitleId } from '../testing/account.builder';
import {
  aRegisteredAccount,
  defined,
  failureOf,
  startTestUsers,
  type UsersHarness,
} from '../testing/users-test-harness';

let users: UsersHarness;

beforeAll(async () => {
  users = await startTestUsers();
});

afterAll(async () => {
  await users?.close();
});

const aProfile = () => aRegisteredAccount(users.rpc);

describe('My List', () => {
  it('lists the newest addition first and pages with a cursor', async () => {
    const owner = await aProfile();
    const titles = Array.from({ length: 5 }, aTitleId);
    for (const titleId of titles) await users.rpc.addToMyList({ ...owner, titleId });
    const first = await users.rpc.listMyList({ ...owner, limit: 2 });
    const second = await users.rpc.listMyList({ ...owner, limit: 2, cursor: first.nextCursor });
    const third = await users.rpc.listMyList({ ...owner, limit: 2, cursor: second.nextCursor });
    expect([...first.items, ...second.items, ...third.items].map((i) => i.titleId)).toEqual(
      [...titles].reverse(),
    );
    expect(third.nextCursor).toBe('');
  });

  it('adds idempotently, keeping the first add time and place', async () => {
    const owner = await aProfile();
    const [older, newer] = [aTitleId(), aTitleId()];
    const firstAdd = defined(
      (await users.rpc.addToMyList({ ...owner, titleId: older })).item,
      'item',
    );
    await users.rpc.addToMyList({ ...owner, titleId: newer });
    const again = defined(
      (await users.rpc.addToMyList({ ...owner, titleId: older.toUpperCase() })).item,
      'item',
    );
    expect(again.addTime).toEqual(firstAdd.addTime);
    expect((await users.rpc.listMyList(owner)).items.map((i) => i.titleId)).toEqual([newer, older]);
  });

  it('removes idempotently', async () => {
    const owner = await aProfile();
    const titleId = aTitleId();
    await users.rpc.addToMyList({ ...owner, titleId });
    await users.rpc.removeFromMyList({ ...owner, titleId });
    await users.rpc.removeFromMyList({ ...owner, titleId });
    expect((await users.rpc.listMyList(owner)).items).toEqual([]);
  });

  it('publishes MyListChanged when a title enters or leaves the list, and only then', async () => {
    const owner = await aProfile();
    const titleId = aTitleId();
    await users.rpc.addToMyList({ ...owner, titleId });
    await users.rpc.addToMyList({ ...owner, titleId });
    await users.rpc.removeFromMyList({ ...owner, titleId });
    await users.rpc.removeFromMyList({ ...owner, titleId });
    const events = await users.sql<{ topic: string; type: string; data: { change: string } }>(
      'SELECT topic, type, data FROM outbox_events WHERE message_key = $1 ORDER BY sequence',
      [owner.profileId],
    );
    expect(events.map((e) => [e.topic, e.type, e.data.change])).toEqual([
      ['users.playback.v1', USERS_PLAYBACK_EVENTS.myListChanged, 'added'],
      ['users.playback.v1', USERS_PLAYBACK_EVENTS.myListChanged, 'removed'],
    ]);
    expect(events[0]?.data).toMatchObject({ ...owner, titleId });
  });

  it('keeps lists per profile', async () => {
    const owner = await aProfile();
    const other = defined(
      (await users.rpc.createProfile({ accountId: owner.accountId, name: 'Other' })).profile,
      'profile',
    );
    await users.rpc.addToMyList({ ...owner, titleId: aTitleId() });
    expect(
      (await users.rpc.listMyList({ accountId: owner.accountId, profileId: other.id })).items,
    ).toEqual([]);
  });

  it('rejects forged cursors, bad limits and non-UUID title ids as INVALID_ARGUMENT', async () => {
    const owner = await aProfile();
    const cursor = await failureOf(
      users.rpc.listMyList({ ...owner, cursor: "'; DROP TABLE my_list_items; --" }),
    );
    expect(cursor.fieldViolations.map((v) => v.field)).toEqual(['cursor']);
    const limit = await failureOf(users.rpc.listMyList({ ...owner, limit: 101 }));
    expect(limit.fieldViolations.map((v) => v.field)).toEqual(['limit']);
    const title = await failureOf(users.rpc.addToMyList({ ...owner, titleId: 'x'.repeat(10_240) }));
    expect([title.code, title.fieldViolations.map((v) => v.field)]).toEqual([
      status.INVALID_ARGUMENT,
      ['title_id'],
    ]);
  });
});

describe('playback progress', () => {
  it('keeps titles between 5% and 95% watched, most recently reported first', async () => {
    const owner = await aProfile();
    const [justStarted, fivePercent, started, middle, ninetyFive, finished] = Array.from(
      { length: 6 },
      aTitleId,
    );
    const report = (titleId: string, positionSeconds: number) =>
      users.rpc.reportProgress({ ...owner, titleId, positionSeconds, durationSeconds: 1000 });
    await report(justStarted, 10);
    await report(fivePercent, 50);
    await report(started, 51);
    await report(middle, 500);
    await report(ninetyFive, 950);
    await report(finished, 1000);
    await report(started, 60);
    const { items } = await users.rpc.listContinueWatching(owner);
    expect(items.map((i) => i.titleId)).toEqual([started, middle]);
    expect(items[0]).toMatchObject({ positionSeconds: 60, durationSeconds: 1000, episodeId: '' });
  });

  it('shows a series once, at its most recently reported episode', async () => {
    const owner = await aProfile();
    const series = aTitleId();
    const [episodeOne, episodeTwo] = [aTitleId(), aTitleId()];
    await users.rpc.reportProgress({
      ...owner,
      titleId: series,
      episodeId: episodeOne,
      positionSeconds: 300,
      durationSeconds: 1200,
    });
    await users.rpc.reportProgress({
      ...owner,
      titleId: series,
      episodeId: episodeTwo,
      positionSeconds: 600,
      durationSeconds: 1200,
    });
    const { items } = await users.rpc.listContinueWatching(owner);
    expect(items.map((i) => [i.titleId, i.episodeId, i.positionSeconds])).toEqual([
      [series, episodeTwo, 600],
    ]);
  });

  it('upserts one row per title and episode and publishes PlaybackProgressed for each report', async () => {
    const owner = await aProfile();
    const titleId = aTitleId();
    await users.rpc.reportProgress({
      ...owner,
      titleId,
      positionSeconds: 100,
      durationSeconds: 1000,
    });
    await users.rpc.reportProgress({
      ...owner,
      titleId,
      positionSeconds: 200,
      durationSeconds: 1000,
    });
    const stored = await users.sql<{ position_seconds: number }>(
      'SELECT position_seconds FROM playback_progress WHERE profile_id = $1',
      [owner.profileId],
    );
    expect(stored).toEqual([{ position_seconds: 200 }]);
    const events = await users.sql<{
      topic: string;
      type: string;
      message_key: string;
      data: Record<string, unknown>;
      sent_at: Date | null;
    }>(
      'SELECT topic, type, message_key, data, sent_at FROM outbox_events WHERE message_key = $1 ORDER BY sequence',
      [owner.profileId],
    );
    expect(events.map((e) => [e.topic, e.type, e.message_key, e.sent_at])).toEqual([
      ['users.playback.v1', USERS_PLAYBACK_EVENTS.progressed, owner.profileId, null],
      ['users.playback.v1', USERS_PLAYBACK_EVENTS.progressed, owner.profileId, null],
    ]);
    expect(events[1]?.data).toMatchObject({
      ...owner,
      titleId,
      episodeId: null,
      positionSeconds: 200,
      durationSeconds: 1000,
    });
  });

  it('rejects impossible positions with every violation named', async () => {
    const owner = await aProfile();
    const beyond = await failureOf(
      users.rpc.reportProgress({
        ...owner,
        titleId: aTitleId(),
        positionSeconds: 11,
        durationSeconds: 10,
      }),
    );
    expect(beyond.fieldViolations.map((v) => v.field)).toEqual(['position_seconds']);
    const all = await failureOf(
      users.rpc.reportProgress({
        ...owner,
        titleId: 'nope',
        episodeId: 'nope',
        positionSeconds: -1,
        durationSeconds: 0,
      }),
    );
    expect(all.code).toBe(status.INVALID_ARGUMENT);
    expect(all.fieldViolations.map((v) => v.field)).toEqual([
      'title_id',
      'episode_id',
      'duration_seconds',
      'position_seconds',
    ]);
  });
});
