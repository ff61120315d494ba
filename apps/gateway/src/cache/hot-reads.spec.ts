import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import {
  Availability,
  MaturityRating,
  Title,
  TitleType,
  type ListTitlesRequest,
  type PatchTitleRequest,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeServices } from '../testing/fake-services';
import { testAdmin } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const TITLE_ID = '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b';
const LIST = '/api/v1/titles?limit=5';
const LIMIT = 6;

/**
 * Cached anonymous reads answered before Nest's pipeline (HotReads): the real gateway over a
 * fake catalog that counts its calls. What a client sees must not change: headers, 304, the rate
 * limit, authentication, and a write showing at once.
 */
describe('cached reads answered before the pipeline', () => {
  let app: NestFastifyApplication;
  let services: FakeServices;
  let token: string;
  let name = 'Night Harbour';
  let listCalls = 0;
  const title = () =>
    Title.fromPartial({
      id: TITLE_ID,
      slug: 'night-harbour',
      type: TitleType.TITLE_TYPE_MOVIE,
      name,
      releaseYear: 2020,
      maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
      availability: Availability.AVAILABILITY_PUBLISHED,
      playable: true,
      version: 7,
    });

  beforeEach(async () => {
    listCalls = 0;
    name = 'Night Harbour';
    const admin = await testAdmin();
    token = admin.token;
    services = new FakeServices({
      users: admin.users,
      catalog: {
        listTitles: (
          _call: ServerUnaryCall<ListTitlesRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          listCalls++;
          done(null, { titles: [title()], nextCursor: '' });
        },
        patchTitle: (
          call: ServerUnaryCall<PatchTitleRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          name = call.request.title?.name ?? name;
          done(null, { title: title() });
        },
      },
    });
    app = await createTestGateway(services, { RATE_LIMIT_REQUESTS: String(LIMIT) });
  });

  afterEach(async () => {
    await app.close();
    services.stop();
  });

  const get = (headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: LIST, headers });

  it('answers a repeated read from the cache with the same bytes and headers', async () => {
    const first = await get();
    const second = await get({ 'x-request-id': 'second-read' });
    expect(listCalls).toBe(1);
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    for (const header of [
      'etag',
      'cache-control',
      'content-type',
      'content-security-policy',
      'x-content-type-options',
      'x-served-by',
    ]) {
      expect(second.headers[header]).toBe(first.headers[header]);
    }
    expect(second.headers['x-request-id']).toBe('second-read');
  });

  it('answers If-None-Match with 304 and no body', async () => {
    const first = await get();
    const again = await get({ 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('counts every read against the caller, cached or not, and answers 429 past the limit', async () => {
    const answers = [];
    for (let n = 0; n <= LIMIT; n++) answers.push((await get()).statusCode);
    expect(answers).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    const refused = await get();
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('still checks a bearer token on a URL whose answer is cached', async () => {
    await get();
    const forged = await get({ authorization: `Bearer ${token.slice(0, -4)}AAAA` });
    expect(forged.statusCode).toBe(401);
    const signedIn = await get({ authorization: `Bearer ${token}` });
    expect(signedIn.statusCode).toBe(200);
  });

  it('shows a write through this gateway at once', async () => {
    await get();
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/titles/${TITLE_ID}`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/merge-patch+json',
        'if-match': '"7"',
      },
      payload: { name: 'Harbour Lights' },
    });
    expect(patched.statusCode).toBe(200);
    const after = await get();
    expect(after.json().items[0].name).toBe('Harbour Lights');
    expect(listCalls).toBe(2);
  });
});
