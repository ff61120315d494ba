import { randomUUID } from 'node:crypto';
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  Availability,
  CATALOG_TITLE_EVENTS,
  MaturityRating,
  maturityRank,
  Title,
  TitleType,
  USERS_PLAYBACK_EVENTS,
  type BatchGetTitlesRequest,
  type BrowseRequest,
  type EventEnvelope,
  type GetProfileRequest,
  type GetTitleRequest,
  type ListContinueWatchingRequest,
  type ListMyListRequest,
  type AddToMyListRequest,
  type ReportProgressRequest,
  type Visibility,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { changeOfTitle } from '../cache/cache-scope';
import { CatalogCacheInvalidation } from '../events/catalog-cache-invalidation.handler';
import { ProfileRowsInvalidation } from '../events/profile-rows-invalidation.handler';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { aTestViewer, testSessions, type TestCaller } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const [viewer, stranger] = [aTestViewer(), aTestViewer()];
const KIDS = 'b1a2c3d4-e5f6-4789-a012-3456789abcde';
const ADULT = 'c2b3d4e5-f6a7-4890-b123-456789abcdef';
const PROFILES = new Map([
  [KIDS, MaturityRating.MATURITY_RATING_KIDS_7],
  [ADULT, MaturityRating.MATURITY_RATING_UNSPECIFIED],
]);

const aTitle = (name: string, rating: MaturityRating) =>
  Title.fromPartial({
    id: randomUUID(),
    slug: name.toLowerCase().replace(/ /g, '-'),
    type: TitleType.TITLE_TYPE_MOVIE,
    name,
    releaseYear: 2020,
    runtimeMinutes: 90,
    maturityRating: rating,
    availability: Availability.AVAILABILITY_PUBLISHED,
    playable: true,
    version: 1,
  });

type Call<T> = ServerUnaryCall<T, unknown>;
type Done = sendUnaryData<unknown>;

interface Page {
  rows: Array<{ id: string; items: Array<{ id: string; name: string; maturityRating: string }> }>;
  progress: Array<{ titleId: string; positionSeconds: number }>;
}

/**
 * The signed-in home page (GET /browse with a profile) served from cached pieces: the real
 * gateway over fake users and catalog services that keep state, so a write through the gateway,
 * a write through another replica (its event) and a catalog change each show on the next page.
 */
describe('the signed-in home page', () => {
  let app: NestFastifyApplication;
  let services: FakeServices;
  let tokens: Map<TestCaller, string>;
  let catalog: Map<string, Title>;
  let started: Map<string, Array<{ titleId: string; positionSeconds: number }>>;
  let listed: Map<string, string[]>;
  let libraryReads: number;
  const [paperBoats, nightHarbour, quietHills] = [
    aTitle('Paper Boats', MaturityRating.MATURITY_RATING_KIDS_7),
    aTitle('Night Harbour', MaturityRating.MATURITY_RATING_TEEN_13),
    aTitle('Quiet Hills', MaturityRating.MATURITY_RATING_ALL),
  ];

  const visible = (visibility: Visibility | undefined) => (title: Title) => {
    const ceiling = maturityRank(
      visibility?.maxMaturity ?? MaturityRating.MATURITY_RATING_UNSPECIFIED,
    );
    return ceiling === undefined || (maturityRank(title.maturityRating) ?? 99) <= ceiling;
  };

  beforeEach(async () => {
    catalog = new Map([paperBoats, nightHarbour, quietHills].map((t) => [t.id, t]));
    started = new Map([
      [KIDS, []],
      [ADULT, []],
    ]);
    listed = new Map([
      [KIDS, []],
      [ADULT, []],
    ]);
    libraryReads = 0;
    const sessions = await testSessions([viewer, stranger]);
    tokens = sessions.tokens;
    services = new FakeServices({
      users: {
        ...sessions.users,
        getProfile: (call: Call<GetProfileRequest>, done: Done) => {
          const maxMaturity = PROFILES.get(call.request.profileId);
          if (!maxMaturity || call.request.accountId !== viewer.accountId)
            return done(grpcFailure(status.NOT_FOUND, 'PROFILE_NOT_FOUND', 'No such profile.'));
          const { accountId, profileId: id } = call.request;
          done(null, { profile: { id, accountId, name: 'p', kids: id === KIDS, maxMaturity } });
        },
        listContinueWatching: (call: Call<ListContinueWatchingRequest>, done: Done) => {
          libraryReads++;
          const items = (started.get(call.request.profileId) ?? []).map((item) => ({
            ...item,
            profileId: call.request.profileId,
            episodeId: '',
            durationSeconds: 5400,
          }));
          done(null, { items });
        },
        listMyList: (call: Call<ListMyListRequest>, done: Done) => {
          libraryReads++;
          const ids = listed.get(call.request.profileId) ?? [];
          done(null, { items: ids.map((titleId) => ({ titleId })), nextCursor: '' });
        },
        reportProgress: (call: Call<ReportProgressRequest>, done: Done) => {
          const { profileId, titleId, positionSeconds, durationSeconds } = call.request;
          const others = (started.get(profileId) ?? []).filter((item) => item.titleId !== titleId);
          started.set(profileId, [{ titleId, positionSeconds }, ...others]);
          done(null, {
            progress: { profileId, titleId, episodeId: '', positionSeconds, durationSeconds },
          });
        },
        addToMyList: (call: Call<AddToMyListRequest>, done: Done) => {
          const { profileId, titleId } = call.request;
          listed.set(profileId, [titleId, ...(listed.get(profileId) ?? [])]);
          done(null, { item: { titleId, addTime: new Date() } });
        },
        removeFromMyList: (call: Call<AddToMyListRequest>, done: Done) => {
          const { profileId, titleId } = call.request;
          listed.set(
            profileId,
            (listed.get(profileId) ?? []).filter((id) => id !== titleId),
          );
          done(null, {});
        },
      },
      catalog: {
        browse: (call: Call<BrowseRequest>, done: Done) => {
          const titles = [...catalog.values()].filter(visible(call.request.visibility));
          done(null, {
            rows: [
              { id: 'new-releases', name: 'New releases', titles },
              { id: 'popular', name: 'Popular', titles: [...titles].reverse() },
            ],
          });
        },
        batchGetTitles: (call: Call<BatchGetTitlesRequest>, done: Done) => {
          const titles = call.request.ids.flatMap((id) => catalog.get(id) ?? []);
          done(null, { titles: titles.filter(visible(call.request.visibility)) });
        },
        getTitle: (call: Call<GetTitleRequest>, done: Done) => {
          const title = catalog.get(call.request.id);
          if (!title || !visible(call.request.visibility)(title))
            return done(grpcFailure(status.NOT_FOUND, 'TITLE_NOT_FOUND', 'No such title.'));
          done(null, { title });
        },
      },
    });
    app = await createTestGateway(services, { RATE_LIMIT_REQUESTS: '1000' });
  });

  afterEach(async () => {
    await app.close();
    services.stop();
  });

  const headers = (profile: string, caller = viewer) => ({
    authorization: `Bearer ${tokens.get(caller)}`,
    'x-profile-id': profile,
  });
  const home = (profile: string, extra: Record<string, string> = {}, caller = viewer) =>
    app.inject({
      method: 'GET',
      url: '/api/v1/browse',
      headers: { ...headers(profile, caller), ...extra },
    });
  const page = async (profile: string): Promise<Page> => (await home(profile)).json<Page>();
  const row = (shown: Page, id: string) =>
    shown.rows.find((r) => r.id === id)?.items.map((t) => t.name);
  const write = (method: 'PUT' | 'DELETE', profile: string, path: string, payload?: object) =>
    app.inject({
      method,
      url: `/api/v1/me/profiles/${profile}/${path}`,
      headers: headers(profile),
      payload,
    });
  const deliver = async (type: string, data: object) => {
    const event: EventEnvelope = {
      id: randomUUID(),
      type,
      source: '/kinema/test',
      time: new Date().toISOString(),
      subject: randomUUID(),
      data,
    };
    await app.get(CatalogCacheInvalidation).handle(event);
    app.get(ProfileRowsInvalidation).handle(event);
  };

  it("shows a profile's own progress and My List changes on its very next home page", async () => {
    expect(row(await page(ADULT), 'continue-watching')).toBeUndefined();
    expect(
      (await write('PUT', ADULT, `progress/${nightHarbour.id}`, { positionSeconds: 1200 }))
        .statusCode,
    ).toBe(200);
    const afterProgress = await page(ADULT);
    expect(afterProgress.rows[0]?.id).toBe('continue-watching');
    expect(row(afterProgress, 'continue-watching')).toEqual(['Night Harbour']);
    expect(afterProgress.progress).toEqual([
      expect.objectContaining({ titleId: nightHarbour.id, positionSeconds: 1200 }),
    ]);
    expect((await write('PUT', ADULT, `list/${quietHills.id}`)).statusCode).toBe(200);
    const afterAdd = await page(ADULT);
    expect(afterAdd.rows.map((r) => r.id)).toEqual([
      'continue-watching',
      'new-releases',
      'my-list',
      'popular',
    ]);
    expect(row(afterAdd, 'my-list')).toEqual(['Quiet Hills']);
    expect((await write('DELETE', ADULT, `list/${quietHills.id}`)).statusCode).toBe(204);
    expect(row(await page(ADULT), 'my-list')).toBeUndefined();
  });

  it('answers a repeated home page from the cache, and shows a change made elsewhere once its event arrives', async () => {
    const first = await page(ADULT);
    const reads = libraryReads;
    expect(await page(ADULT)).toEqual(first);
    expect(libraryReads).toBe(reads);
    // Another replica took this write: this one hears of it by the users service's event.
    listed.set(ADULT, [paperBoats.id]);
    const data = { profileId: ADULT, accountId: viewer.accountId, titleId: paperBoats.id };
    await deliver(USERS_PLAYBACK_EVENTS.myListChanged, {
      ...data,
      change: 'added',
      occurredAt: '',
    });
    expect(row(await page(ADULT), 'my-list')).toEqual(['Paper Boats']);
    started.set(ADULT, [{ titleId: quietHills.id, positionSeconds: 60 }]);
    await deliver(USERS_PLAYBACK_EVENTS.progressed, { ...data, titleId: quietHills.id });
    expect(row(await page(ADULT), 'continue-watching')).toEqual(['Quiet Hills']);
  });

  it("shows each profile only its own rows, and nothing above the kids profile's ceiling in any row", async () => {
    await write('PUT', ADULT, `progress/${nightHarbour.id}`, { positionSeconds: 600 });
    await write('PUT', ADULT, `list/${quietHills.id}`);
    await write('PUT', KIDS, `list/${paperBoats.id}`);
    // Stored before the kids ceiling was checked (e.g. an older rating): still never shown.
    started.set(KIDS, [{ titleId: nightHarbour.id, positionSeconds: 60 }]);
    for (let n = 0; n < 2; n++) {
      const kids = await page(KIDS);
      expect(row(kids, 'continue-watching')).toBeUndefined();
      expect(row(kids, 'my-list')).toEqual(['Paper Boats']);
      expect(kids.progress).toEqual([]);
      const ratings = kids.rows.flatMap((r) => r.items.map((t) => t.maturityRating));
      expect(ratings.every((rating) => rating === '7+' || rating === 'all')).toBe(true);
      expect(row(await page(ADULT), 'my-list')).toEqual(['Quiet Hills']);
    }
    const borrowed = await home(ADULT, {}, stranger);
    expect(borrowed.statusCode).toBe(404);
    expect(borrowed.headers['content-type']).toContain('application/problem+json');
    const reads = libraryReads;
    const meddling = await app.inject({
      method: 'DELETE',
      url: `/api/v1/me/profiles/${ADULT}/list/${quietHills.id}`,
      headers: { authorization: `Bearer ${tokens.get(stranger)}` },
    });
    expect(meddling.statusCode).toBe(404);
    expect(row(await page(ADULT), 'my-list')).toEqual(['Quiet Hills']);
    expect(libraryReads).toBe(reads);
  });

  it('takes a title deleted or re-rated above the ceiling out of the personal rows', async () => {
    await write('PUT', KIDS, `list/${paperBoats.id}`);
    await write('PUT', KIDS, `progress/${quietHills.id}`, { positionSeconds: 600 });
    expect(row(await page(KIDS), 'continue-watching')).toEqual(['Quiet Hills']);
    expect(row(await page(KIDS), 'my-list')).toEqual(['Paper Boats']);
    catalog.delete(quietHills.id);
    await deliver(CATALOG_TITLE_EVENTS.deleted, {
      titleId: quietHills.id,
      slug: quietHills.slug,
      version: 2,
    });
    const reRated = {
      ...paperBoats,
      maturityRating: MaturityRating.MATURITY_RATING_TEEN_16,
      version: 2,
    };
    catalog.set(paperBoats.id, reRated);
    await deliver(CATALOG_TITLE_EVENTS.updated, {
      title: changeOfTitle(reRated).now,
      changedFields: ['maturityRating'],
    });
    const after = await page(KIDS);
    expect(after.rows.flatMap((r) => r.items.map((t) => t.name))).not.toContain('Quiet Hills');
    expect(after.rows.flatMap((r) => r.items.map((t) => t.name))).not.toContain('Paper Boats');
    expect(row(after, 'continue-watching')).toBeUndefined();
    expect(after.progress).toEqual([]);
  });

  it('answers 304 to If-None-Match while the page is the same, privately, and a new ETag once it changes', async () => {
    const first = await home(ADULT);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = String(first.headers.etag);
    const unchanged = await home(ADULT, { 'if-none-match': etag });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');
    await write('PUT', ADULT, `list/${paperBoats.id}`);
    const changed = await home(ADULT, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(row(changed.json<Page>(), 'my-list')).toEqual(['Paper Boats']);
  });
});
