import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  Availability,
  MaturityRating,
  Title,
  TitleType,
  type DeleteProfileRequest,
  type GetProfileRequest,
  type ListTitlesRequest,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionCheck } from '../auth/session-check';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { testSessions, type TestCaller } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const LIST = '/api/v1/titles?limit=5';
const LIMIT = 6;

const viewer: TestCaller = {
  accountId: '2f0a6c1e-8b3d-4e7f-9a1c-5d2e8f4b6a01',
  role: 'viewer',
  sessionId: '7a3b1c9d-2e4f-4a6b-8c0d-1e2f3a4b5c6d',
};
const stranger: TestCaller = {
  accountId: '9c8b7a6d-5e4f-4321-8fed-cba987654321',
  role: 'viewer',
  sessionId: '3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9',
};
const admin: TestCaller = {
  accountId: '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41',
  role: 'admin',
  sessionId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
};
const KIDS_PROFILE = 'b1a2c3d4-e5f6-4789-a012-3456789abcde';
const ADULT_PROFILE = 'c2b3d4e5-f6a7-4890-b123-456789abcdef';

const title = (id: string, name: string, rating: MaturityRating, availability: Availability) =>
  Title.fromPartial({
    id,
    slug: name.toLowerCase().replace(/ /g, '-'),
    type: TitleType.TITLE_TYPE_MOVIE,
    name,
    releaseYear: 2020,
    maturityRating: rating,
    availability,
    playable: true,
    version: 1,
  });
const CATALOG = [
  title(
    '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b',
    'Paper Boats',
    MaturityRating.MATURITY_RATING_KIDS_7,
    Availability.AVAILABILITY_PUBLISHED,
  ),
  title(
    '1c8f0e3d-4b5a-4f6e-9d7c-2b3a4f5e6d7c',
    'Night Harbour',
    MaturityRating.MATURITY_RATING_TEEN_13,
    Availability.AVAILABILITY_PUBLISHED,
  ),
  title(
    '2d9a1f4e-5c6b-4a7f-8e8d-3c4b5a6f7e8d',
    'Unreleased Cut',
    MaturityRating.MATURITY_RATING_KIDS_7,
    Availability.AVAILABILITY_DRAFT,
  ),
];

/**
 * Cached reads of signed-in callers answered before Nest's pipeline (HotReads): the real gateway
 * over fake users and catalog services. A signed-in hit must be exactly what the pipeline would
 * answer: the token and session checked, the profile proven the caller's and its ceiling applied,
 * the caller's own budget counted, an admin's drafts never shown to a viewer.
 */
describe('cached reads of signed-in callers', () => {
  let app: NestFastifyApplication;
  let services: FakeServices;
  let tokens: Map<TestCaller, string>;
  let listCalls: number;
  let sessionChecks: number;
  let profiles: Map<string, { accountId: string; maxMaturity: MaturityRating }>;

  async function start(env: Record<string, string> = {}) {
    const sessions = await testSessions([viewer, stranger, admin]);
    tokens = sessions.tokens;
    services = new FakeServices({
      users: {
        ...sessions.users,
        verifyAccessToken: (call: unknown, done: sendUnaryData<unknown>) => {
          sessionChecks++;
          sessions.users.verifyAccessToken(call, done);
        },
        getProfile: (
          call: ServerUnaryCall<GetProfileRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          const found = profiles.get(call.request.profileId);
          if (!found || found.accountId !== call.request.accountId)
            return done(grpcFailure(status.NOT_FOUND, 'PROFILE_NOT_FOUND', 'No such profile.'));
          done(null, {
            profile: { id: call.request.profileId, ...found, name: 'p', kids: false },
          });
        },
        deleteProfile: (
          call: ServerUnaryCall<DeleteProfileRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          profiles.delete(call.request.profileId);
          done(null, {});
        },
      },
      catalog: {
        listTitles: (
          call: ServerUnaryCall<ListTitlesRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          listCalls++;
          const { maxMaturity, includeDrafts } = call.request.visibility ?? {};
          const titles = CATALOG.filter(
            (t) =>
              (includeDrafts || t.availability === Availability.AVAILABILITY_PUBLISHED) &&
              !(
                maxMaturity === MaturityRating.MATURITY_RATING_KIDS_7 &&
                t.maturityRating === MaturityRating.MATURITY_RATING_TEEN_13
              ),
          );
          done(null, { titles, nextCursor: '' });
        },
      },
    });
    app = await createTestGateway(services, { RATE_LIMIT_REQUESTS: String(LIMIT), ...env });
  }

  beforeEach(() => {
    listCalls = 0;
    sessionChecks = 0;
    profiles = new Map([
      [
        KIDS_PROFILE,
        { accountId: viewer.accountId, maxMaturity: MaturityRating.MATURITY_RATING_KIDS_7 },
      ],
      [
        ADULT_PROFILE,
        { accountId: viewer.accountId, maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED },
      ],
    ]);
  });

  afterEach(async () => {
    await app.close();
    services.stop();
  });

  const get = (caller: TestCaller | undefined, profile?: string, url = LIST) =>
    app.inject({
      method: 'GET',
      url,
      headers: {
        ...(caller ? { authorization: `Bearer ${tokens.get(caller)}` } : {}),
        ...(profile ? { 'x-profile-id': profile } : {}),
      },
    });
  const names = (response: { json: () => { items: Array<{ name: string }> } }) =>
    response.json().items.map((item) => item.name);

  it("answers each profile's repeated read from the cache, within the profile's ceiling", async () => {
    await start({ RATE_LIMIT_REQUESTS: '100' });
    const [firstKids, kids] = [await get(viewer, KIDS_PROFILE), await get(viewer, KIDS_PROFILE)];
    const [, adult] = [await get(viewer, ADULT_PROFILE), await get(viewer, ADULT_PROFILE)];
    const [firstAccount, account] = [await get(viewer), await get(viewer)];
    expect(listCalls).toBe(2);
    expect(names(kids)).toEqual(['Paper Boats']);
    expect(names(adult)).toEqual(['Paper Boats', 'Night Harbour']);
    expect(kids.body).toBe(firstKids.body);
    expect(kids.headers['cache-control']).toContain('private');
    expect(account.statusCode).toBe(200);
    expect(account.headers['cache-control']).toBe(firstAccount.headers['cache-control']);
    const notModified = await app.inject({
      method: 'GET',
      url: LIST,
      headers: {
        authorization: `Bearer ${tokens.get(viewer)}`,
        'x-profile-id': KIDS_PROFILE,
        'if-none-match': String(kids.headers.etag),
      },
    });
    expect(notModified.statusCode).toBe(304);
  });

  it("answers another account's profile on a cached URL with 404, never the cached page", async () => {
    await start();
    expect((await get(viewer, KIDS_PROFILE)).statusCode).toBe(200);
    const borrowed = await get(stranger, KIDS_PROFILE);
    expect(borrowed.statusCode).toBe(404);
    expect(borrowed.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses the token of a session that has ended on a cached URL', async () => {
    await start();
    expect((await get(viewer)).statusCode).toBe(200);
    app.get(SessionCheck).endSessions([viewer.sessionId], Date.now() + 60_000);
    const ended = await get(viewer);
    expect(ended.statusCode).toBe(401);
    expect(ended.headers['content-type']).toContain('application/problem+json');
  });

  it("counts a signed-in caller's cached reads against its account, not its address", async () => {
    await start();
    const answers = [];
    for (let n = 0; n <= LIMIT; n++) answers.push((await get(viewer)).statusCode);
    expect(answers).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    // Same address, another budget: an anonymous caller and another account still read.
    expect((await get(undefined)).statusCode).toBe(200);
    expect((await get(stranger)).statusCode).toBe(200);
  });

  it("keeps an admin's drafts from a viewer asking for the same URL", async () => {
    await start();
    const drafts = `${LIST}&availability=all`;
    const edited = await get(admin, undefined, drafts);
    expect(names(edited)).toContain('Unreleased Cut');
    expect((await get(admin, undefined, drafts)).statusCode).toBe(200);
    expect((await get(viewer, undefined, drafts)).statusCode).toBe(403);
  });

  it('forgets a profile this gateway deleted: its next read is a 404', async () => {
    await start();
    expect((await get(viewer, ADULT_PROFILE)).statusCode).toBe(200);
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/me/profiles/${ADULT_PROFILE}`,
      headers: { authorization: `Bearer ${tokens.get(viewer)}` },
    });
    expect(deleted.statusCode).toBe(204);
    expect((await get(viewer, ADULT_PROFILE)).statusCode).toBe(404);
  });

  it('asks the users service once per cached read when nothing may be trusted for a while', async () => {
    await start({ SESSION_CHECK_CACHE_MS: '0' });
    await get(viewer);
    sessionChecks = 0;
    for (let n = 0; n < 3; n++) expect((await get(viewer)).statusCode).toBe(200);
    expect(sessionChecks).toBe(3);
    expect(listCalls).toBe(1);
  });
});
