import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  ACCOUNT_LIMITS,
  Availability,
  CATALOG_READ_LIMITS,
  MaturityRating,
  Title,
  TitleType,
  Video,
  VideoStatus,
  type GetTitleRequest,
  type ListTitlesRequest,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { DEV_PLAYBACK_GRANT_SECRET } from '../config';
import { testAdmin } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';
import { FakeObjectStore } from '../testing/fake-object-store';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { issueGrant } from '../videos/playback-grant';
import { SessionCheck } from '../auth/session-check';

const TITLE_ID = '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b';
const MISSING_ID = '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41';
const BYTES = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

const title = Title.fromPartial({
  id: TITLE_ID,
  slug: 'night-harbour',
  type: TitleType.TITLE_TYPE_MOVIE,
  name: 'Night Harbour',
  releaseYear: 2020,
  runtimeMinutes: 101,
  maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
  availability: Availability.AVAILABILITY_PUBLISHED,
  playable: true,
  version: 7,
});

const video = Video.fromPartial({
  id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  titleId: TITLE_ID,
  contentType: 'video/mp4',
  status: VideoStatus.VIDEO_STATUS_READY,
  sizeBytes: BYTES.length,
  sha256: 'ab'.repeat(32),
});

/**
 * The gateway's HTTP behaviour at the Nest level: the real application (modules, guards, pipes,
 * the problem+json filter, Fastify) answering injected requests, with its back ends faked as
 * in-process gRPC servers.
 */
describe('the gateway over HTTP', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  const store = new FakeObjectStore();
  let catalogDown = false;
  let adminToken = '';

  const inject = (options: {
    url: string;
    method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
    headers?: Record<string, string>;
    payload?: string;
  }) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', ...options });
  const asAdmin = () => ({
    authorization: `Bearer ${adminToken}`,
    'content-type': 'application/json',
  });

  beforeAll(async () => {
    await store.start();
    const admin = await testAdmin();
    adminToken = admin.token;
    services = new FakeServices({
      users: admin.users,
      catalog: {
        getTitle: (
          call: ServerUnaryCall<GetTitleRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          if (catalogDown)
            return done(Object.assign(new Error('down'), { code: status.UNAVAILABLE }));
          if (call.request.id !== TITLE_ID) {
            return done(grpcFailure(status.NOT_FOUND, 'TITLE_NOT_FOUND', 'No such title.'));
          }
          done(null, { title });
        },
        listTitles: (
          _call: ServerUnaryCall<ListTitlesRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => done(null, { titles: [title], nextCursor: '' }),
        deleteTitle: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(grpcFailure(status.NOT_FOUND, 'TITLE_NOT_FOUND', 'No such title.')),
      },
      videos: {
        getPlayableVideo: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(null, { video, readUrl: store.put(video.id, BYTES) }),
      },
    });
    app = await createTestGateway(services, { CATALOG_CACHE_TTL_MS: '0' });
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
    await store.stop();
  });

  describe('conditional reads', () => {
    it('tags a title with its version and answers 304, without a body, when it has not changed', async () => {
      const first = await inject({ url: `/api/v1/titles/${TITLE_ID}` });
      expect(first.statusCode).toBe(200);
      expect(first.headers['etag']).toBe('"7"');
      expect(first.json()).toMatchObject({ id: TITLE_ID, name: 'Night Harbour', version: 7 });
      const again = await inject({
        url: `/api/v1/titles/${TITLE_ID}`,
        headers: { 'if-none-match': '"7"' },
      });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const stale = await inject({
        url: `/api/v1/titles/${TITLE_ID}`,
        headers: { 'if-none-match': '"6"' },
      });
      expect(stale.statusCode).toBe(200);
    });
  });

  describe('problem+json through the real filter', () => {
    it('names every bad query parameter, and refuses unknown ones', async () => {
      const answer = await inject({ url: '/api/v1/titles?limit=1000&colour=red' });
      expect(answer.statusCode).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = answer.json<{
        code: string;
        errors: Array<{ field: string }>;
        instance: string;
      }>();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors.map((e) => e.field).sort()).toEqual(['colour', 'limit']);
      expect(body.instance).toBe('/api/v1/titles');
    });

    it('refuses any query parameter on a route that takes none, in the words of a DTO route, after authentication', async () => {
      for (const [url, headers] of [
        [`/api/v1/titles/${TITLE_ID}?colour=red`, {}],
        ['/api/v1/me?colour=red', { authorization: `Bearer ${adminToken}` }],
      ] as const) {
        const answer = await inject({ url, headers });
        expect(answer.statusCode).toBe(400);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(answer.json()).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [{ field: 'colour', description: 'property colour should not exist' }],
        });
      }
      const twice = await inject({ url: '/api/v1/genres?=5&page=1&page=2' });
      expect(twice.statusCode).toBe(400);
      expect(twice.json<{ errors: unknown[] }>().errors).toEqual([
        { field: '', description: 'a field without a name should not exist' },
        { field: 'page', description: 'property page should not exist' },
      ]);
      // Who asks is checked first, as on a route with a query DTO: no token, no 400.
      expect((await inject({ url: '/api/v1/me?colour=red' })).statusCode).toBe(401);
      // A bare '?' is no parameter.
      expect((await inject({ url: `/api/v1/titles/${TITLE_ID}?` })).statusCode).toBe(200);
    });

    it('refuses a body with fields, or no object, on a route that takes no body; an empty one is no body', async () => {
      const remove = (payload: string) =>
        inject({
          method: 'DELETE',
          url: `/api/v1/titles/${MISSING_ID}`,
          headers: asAdmin(),
          payload,
        });
      const fields = await remove('{"force":true}');
      expect(fields.statusCode).toBe(400);
      expect(fields.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'force', description: 'property force should not exist' }],
      });
      expect((await remove('[1]')).json()).toMatchObject({
        errors: [{ field: 'body', description: 'the body must be a JSON object' }],
      });
      // Nothing refused: the route answers as without a body (no such title).
      for (const payload of ['{}', '']) expect((await remove(payload)).statusCode).toBe(404);
    });

    it('names a value of the wrong kind as such, a missing field as required, a range as a range, and a body that is no object', async () => {
      const errors = async (options: Parameters<typeof inject>[0]) => {
        const answer = await inject(options);
        expect(answer.statusCode).toBe(400);
        return answer.json<{ errors: Array<{ field: string; description: string }> }>().errors;
      };
      // Only digits are a number: an empty value is no 0, nor hex or an exponent 16 or 10.
      for (const limit of ['abc', '', '0x10', '1e1', '5.0', ' 5']) {
        expect(await errors({ url: `/api/v1/titles?limit=${encodeURIComponent(limit)}` })).toEqual([
          { field: 'limit', description: 'limit must be an integer number' },
        ]);
      }
      expect(await errors({ url: '/api/v1/titles?yearFrom=' })).toEqual([
        { field: 'yearFrom', description: 'yearFrom must be an integer number' },
      ]);
      expect(await errors({ url: '/api/v1/titles?limit=-1' })).toEqual([
        { field: 'limit', description: 'limit must not be less than 1' },
      ]);
      expect(await errors({ url: '/api/v1/titles?=5' })).toEqual([
        { field: '', description: 'a field without a name should not exist' },
      ]);
      const { maxPageSize } = CATALOG_READ_LIMITS;
      expect(await errors({ url: `/api/v1/titles?limit=${maxPageSize + 1}` })).toEqual([
        { field: 'limit', description: `limit must not be greater than ${maxPageSize}` },
      ]);
      const register = (body: object, route = 'register') => ({
        method: 'POST' as const,
        url: `/api/v1/auth/${route}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(await errors(register({ email: 'ada@example.com' }))).toEqual([
        { field: 'password', description: 'password is required' },
      ]);
      expect(await errors(register({ email: 'ada@example.com', password: 7 }))).toEqual([
        { field: 'password', description: 'password must be a string' },
      ]);
      expect(await errors(register({ email: '', password: 7 }, 'login'))).toEqual([
        { field: 'email', description: 'email should not be empty' },
        { field: 'password', description: 'password must be a string' },
      ]);
      // Inside a list: the field is the whole path, the description names the property.
      const credits = await errors({
        method: 'PATCH',
        url: `/api/v1/titles/${TITLE_ID}`,
        headers: asAdmin(),
        payload: JSON.stringify({ credits: [{ name: 5 }] }),
      });
      expect(credits).toEqual([
        { field: 'credits[0].name', description: 'name must be a string' },
        { field: 'credits[0].role', description: 'role is required' },
      ]);
      for (const body of [[], 7, 'ada']) {
        expect(await errors(register(body as object))).toEqual([
          { field: 'body', description: 'the body must be a JSON object' },
        ]);
      }
      expect(await errors(register({ email: 'ada@example', password: 'short' }))).toEqual([
        { field: 'email', description: 'email must be an email address, like ada@example.com' },
        {
          field: 'password',
          description: `password must have at least ${ACCOUNT_LIMITS.passwordMinLength} characters`,
        },
      ]);
    });

    it("turns the catalog's NOT_FOUND into a 404 problem with its code", async () => {
      const answer = await inject({ url: `/api/v1/titles/${MISSING_ID}` });
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toMatchObject({
        status: 404,
        code: 'TITLE_NOT_FOUND',
        requestId: expect.any(String),
      });
    });

    it('answers a catalog that is down with 503 and Retry-After, never a stack trace', async () => {
      catalogDown = true;
      try {
        const answer = await inject({ url: `/api/v1/titles/${TITLE_ID}` });
        expect(answer.statusCode).toBe(503);
        expect(answer.headers['retry-after']).toBeDefined();
        expect(answer.body).not.toMatch(/at \w+ \(/);
      } finally {
        catalogDown = false;
      }
    });

    it('refuses an id that is not a UUID, naming it, and an unknown route as a 404 problem', async () => {
      const bad = await inject({ url: '/api/v1/titles/not-an-id' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ errors: [{ field: 'id' }] });
      const unknown = await inject({ url: '/api/v1/nowhere' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('input refused before validation, each with a 400 naming what is wrong', () => {
    it('refuses a JSON body nested deeper than the limit (not a stack overflow)', async () => {
      let deep: unknown = [];
      for (let i = 0; i < 10_000; i++) deep = [deep];
      const answer = await inject({
        method: 'POST',
        url: '/api/v1/titles',
        headers: asAdmin(),
        payload: JSON.stringify({ slug: 'x', genres: deep }),
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({
        detail: expect.stringContaining('nested deeper than 32'),
      });
    });

    it('reads an empty body labelled JSON as no body, as it reads one unlabelled', async () => {
      const register = (headers: Record<string, string>) =>
        inject({ method: 'POST', url: '/api/v1/auth/register', headers, payload: '' });
      for (const type of ['application/json', 'application/merge-patch+json']) {
        const labelled = await register({ 'content-type': type });
        expect(labelled.statusCode).toBe(400);
        expect(labelled.json()).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [
            { field: 'email', description: 'email is required' },
            { field: 'password', description: 'password is required' },
          ],
        });
        expect(labelled.json().errors).toEqual((await register({})).json().errors);
      }
    });

    it('refuses a NUL character in any text, naming the field', async () => {
      const body = await inject({
        method: 'POST',
        url: '/api/v1/titles',
        headers: asAdmin(),
        payload: JSON.stringify({ slug: 'night', name: 'Night\u0000Harbour' }),
      });
      expect(body.statusCode).toBe(400);
      expect(body.json<{ errors: Array<{ field: string }> }>().errors).toContainEqual(
        expect.objectContaining({ field: 'name', description: expect.stringContaining('NUL') }),
      );
      const query = await inject({ url: '/api/v1/titles?q=a%00b' });
      expect(query.statusCode).toBe(400);
      expect(query.json()).toMatchObject({ errors: [{ field: 'q' }] });
    });

    it('refuses a lone surrogate in any text, naming the field, instead of storing U+FFFD', async () => {
      const answer = await inject({
        method: 'POST',
        url: '/api/v1/titles',
        headers: asAdmin(),
        // JSON.stringify writes the lone surrogate as the escape "\ud800", as a client would.
        payload: JSON.stringify({ slug: 'night', name: 'x\ud800y', synopsis: 'fine 🎬' }),
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json<{ errors: Array<{ field: string }> }>().errors).toEqual([
        expect.objectContaining({
          field: 'name',
          description: expect.stringContaining('lone surrogate'),
        }),
      ]);
    });

    it('refuses a query parameter given twice, on DTO routes and single-parameter ones alike', async () => {
      const list = await inject({ url: '/api/v1/titles?limit=5&limit=6' });
      expect(list.statusCode).toBe(400);
      expect(list.json()).toMatchObject({
        errors: [{ field: 'limit', description: 'limit is given more than once' }],
      });
      const stream = await inject({ url: `/api/v1/titles/${TITLE_ID}/stream?grant=a.b&grant=a.b` });
      expect(stream.statusCode).toBe(400);
      expect(stream.json()).toMatchObject({ errors: [{ field: 'grant' }] });
    });

    it('refuses a query parameter whose percent-encoding is broken, naming it, as the path is', async () => {
      // %zz is no escape, %FF no UTF-8: a lenient parser took the first as typed and turned the
      // second into U+FFFD, a search for a character the caller never sent.
      for (const url of [
        '/api/v1/titles?q=%zz',
        '/api/v1/titles?limit=5&q=caf%C3',
        '/api/v1/titles?q=%FF&limit=5',
      ]) {
        const answer = await inject({ url });
        expect(answer.statusCode).toBe(400);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(answer.json()).toMatchObject({
          errors: [
            {
              field: 'q',
              description: 'q has a percent-encoded sequence that does not decode to UTF-8',
            },
          ],
        });
      }
      // A well-formed escape, '+' for a space and a bare '%' encoded as %25 are all fine.
      for (const url of [
        '/api/v1/titles?q=caf%C3%A9',
        '/api/v1/titles?q=a+b',
        '/api/v1/titles?q=100%25',
      ]) {
        expect((await inject({ url })).statusCode).toBe(200);
      }
    });

    it('refuses seasons given as arrays of arrays (nested items must be objects)', async () => {
      const answer = await inject({
        method: 'POST',
        url: '/api/v1/titles',
        headers: asAdmin(),
        payload: JSON.stringify({
          slug: 'night',
          type: 'series',
          name: 'Night',
          releaseYear: 2020,
          maturityRating: 'all',
          genres: ['drama'],
          seasons: [[{ number: 1 }]],
        }),
      });
      expect(answer.statusCode).toBe(400);
      expect(
        answer.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field),
      ).toContain('seasons');
    });

    it('refuses a grant that is not one, as a field error', async () => {
      const answer = await inject({ url: `/api/v1/titles/${TITLE_ID}/stream?grant=nope` });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ errors: [{ field: 'grant' }] });
    });
  });

  describe('ranged playback', () => {
    const grant = (sessionId = '7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d') =>
      issueGrant(DEV_PLAYBACK_GRANT_SECRET, {
        titleId: TITLE_ID,
        episodeId: '',
        profileId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
        sessionId,
        maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED,
        expiresAt: Math.floor(Date.now() / 1000) + 600,
      });

    it('serves one range as 206 with Content-Range, and exactly those bytes', async () => {
      const answer = await inject({
        url: `/api/v1/titles/${TITLE_ID}/stream?grant=${grant()}`,
        headers: { range: 'bytes=1000-1999' },
      });
      expect(answer.statusCode).toBe(206);
      expect(answer.headers['content-range']).toBe(`bytes 1000-1999/${BYTES.length}`);
      expect(answer.rawPayload.equals(BYTES.subarray(1000, 2000))).toBe(true);
    });

    it('answers a range past the end with 416 and the size', async () => {
      const answer = await inject({
        url: `/api/v1/titles/${TITLE_ID}/stream?grant=${grant()}`,
        headers: { range: `bytes=${BYTES.length + 10}-` },
      });
      expect(answer.statusCode).toBe(416);
      expect(answer.headers['content-range']).toBe(`bytes */${BYTES.length}`);
    });

    it('refuses the grant of a session that has ended with 401, and keeps playing the others', async () => {
      const ended = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
      const live = grant();
      const revoked = grant(ended);
      const before = await inject({
        url: `/api/v1/titles/${TITLE_ID}/stream?grant=${revoked}`,
        headers: { range: 'bytes=0-9' },
      });
      expect(before.statusCode).toBe(206);
      app.get(SessionCheck).endSessions([ended], Date.now() + 60_000);
      const after = await inject({
        url: `/api/v1/titles/${TITLE_ID}/stream?grant=${revoked}`,
        headers: { range: 'bytes=10-19' },
      });
      expect(after.statusCode).toBe(401);
      expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(after.json()).toMatchObject({
        code: 'INVALID_PLAYBACK_GRANT',
        detail: expect.stringContaining('session that has ended'),
      });
      const other = await inject({
        url: `/api/v1/titles/${TITLE_ID}/stream?grant=${live}`,
        headers: { range: 'bytes=10-19' },
      });
      expect(other.statusCode).toBe(206);
    });

    it('refuses a forged grant as a problem', async () => {
      const answer = await inject({ url: `/api/v1/titles/${TITLE_ID}/stream?grant=${grant()}x` });
      expect([400, 401, 403]).toContain(answer.statusCode);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('one answer path: every answer carries the security headers, every error is a problem', () => {
    const secured = (headers: Record<string, unknown>) => {
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['content-security-policy']).toContain("default-src 'self'");
    };

    it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])(
      'lets a web app on another origin %s, with the headers the API reads',
      async (method) => {
        const answer = await inject({
          method: 'OPTIONS',
          url: `/api/v1/titles/${TITLE_ID}`,
          headers: {
            origin: 'https://app.example',
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization,content-type,if-match,x-profile-id',
          },
        });
        expect(answer.statusCode).toBe(204);
        expect(answer.headers['access-control-allow-origin']).toBe('https://app.example');
        expect(String(answer.headers['access-control-allow-methods']).split(', ')).toContain(
          method,
        );
        expect(String(answer.headers['access-control-allow-headers']).split(', ')).toEqual(
          expect.arrayContaining(['authorization', 'content-type', 'if-match', 'x-profile-id']),
        );
        secured(answer.headers);
      },
    );

    it('answers an OPTIONS that is no preflight with 204 and the methods, not a text error', async () => {
      for (const headers of [{}, { origin: 'https://app.example' }] as Record<string, string>[]) {
        const answer = await inject({ method: 'OPTIONS', url: '/api/v1/titles', headers });
        expect(answer.statusCode).toBe(204);
        expect(answer.rawPayload).toHaveLength(0);
        expect(String(answer.headers['access-control-allow-methods']).split(', ')).toEqual(
          expect.arrayContaining(['GET', 'POST']),
        );
        secured(answer.headers);
      }
    });

    it('answers a method a path does not take with 405 and what it takes in Allow', async () => {
      const allowOf = async (method: 'PUT' | 'GET' | 'POST', url: string) => {
        const answer = await inject({ method, url, headers: asAdmin() });
        expect(answer.statusCode).toBe(405);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(answer.json()).toMatchObject({
          status: 405,
          detail: expect.stringContaining(method),
        });
        secured(answer.headers);
        return String(answer.headers.allow).split(', ').sort();
      };
      expect(await allowOf('PUT', '/api/v1/titles')).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
      expect(await allowOf('GET', '/api/v1/auth/login')).toEqual(['OPTIONS', 'POST']);
      expect(await allowOf('POST', `/api/v1/titles/${TITLE_ID}`)).toEqual(
        expect.arrayContaining(['DELETE', 'GET', 'PATCH', 'PUT']),
      );
      // A path no route takes is still not found, whatever the method.
      for (const method of ['GET', 'POST'] as const) {
        const missing = await inject({ method, url: '/api/v1/nowhere' });
        expect(missing.statusCode).toBe(404);
        expect(missing.headers.allow).toBeUndefined();
      }
    });

    it('refuses an empty video upload as a file that is no video, in the words of the API', async () => {
      const answer = await inject({
        method: 'POST',
        url: `/api/v1/titles/${TITLE_ID}/video`,
        headers: { ...asAdmin(), 'content-type': 'video/mp4', 'content-length': '0' },
        payload: '',
      });
      expect(answer.statusCode).toBe(422);
      expect(answer.json()).toMatchObject({
        code: 'VIDEO_UNPROCESSABLE',
        detail: 'The body is empty: send the video file as the body.',
      });
      expect(answer.json()).not.toHaveProperty('errors');
    });

    it('answers a body no route takes as the route would be answered, not by its parser', async () => {
      // Each media type has a parser of its own, which refused the body before the router's
      // answer: an image posted to no route at all was "does not accept an image body", and
      // text labelled JSON "not valid JSON".
      for (const type of ['video/mp4', 'image/png', 'text/plain', 'application/json']) {
        const headers = { ...asAdmin(), 'content-type': type };
        const missing = await inject({
          method: 'POST',
          url: '/api/v1/nowhere',
          headers,
          payload: 'bytes',
        });
        expect([type, missing.statusCode]).toEqual([type, 404]);
        const other = await inject({
          method: 'POST',
          url: `/api/v1/titles/${TITLE_ID}`,
          headers,
          payload: 'bytes',
        });
        expect([type, other.statusCode]).toEqual([type, 405]);
      }
      // A route that takes no such body still says so.
      const wrong = await inject({
        method: 'POST',
        url: '/api/v1/titles',
        headers: { ...asAdmin(), 'content-type': 'video/mp4' },
        payload: 'bytes',
      });
      expect(wrong.statusCode).toBe(415);
    });

    it('keeps /metrics off the public port (it is served on the ops port)', async () => {
      const answer = await inject({ url: '/metrics' });
      expect(answer.statusCode).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers a URL that does not decode as a 400 problem, and HEAD without a body', async () => {
      const get = await inject({ url: '/api/v1/titles/%E0%A4%A' });
      expect(get.statusCode).toBe(400);
      expect(get.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(get.json()).toMatchObject({ status: 400, detail: expect.stringContaining('URL') });
      secured(get.headers);
      const head = await inject({ method: 'HEAD', url: '/api/v1/titles/%E0%A4%A' });
      expect(head.statusCode).toBe(400);
      expect(head.rawPayload).toHaveLength(0);
    });

    it('answers a path parameter longer than any id as a 404 problem', async () => {
      const answer = await inject({ url: `/api/v1/titles/${'a'.repeat(300)}` });
      expect(answer.statusCode).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      secured(answer.headers);
    });

    describe('over a socket', () => {
      let port = 0;
      beforeAll(async () => {
        await app.listen({ port: 0, host: '127.0.0.1' });
        port = (app.getHttpServer().address() as AddressInfo).port;
      });

      const send = (method: string, headers: Record<string, string>) =>
        new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
          (resolve, reject) => {
            const sent = httpRequest(
              { host: '127.0.0.1', port, method, path: '/api/v1/titles', headers },
              (response) => {
                let body = '';
                response.setEncoding('utf8');
                response.on('data', (chunk: string) => (body += chunk));
                response.on('end', () =>
                  resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
                );
                response.on('error', reject);
              },
            );
            sent.on('error', reject);
            sent.end();
          },
        );

      it('answers a body over the limit with 413 and reads the rest, so the client can read the answer', async () => {
        // Unread input at close makes the kernel send a reset that can destroy the 413 before
        // the client reads it; here the client sends the rest after the answer, then asks again.
        const socket = connect(port, '127.0.0.1');
        const answers: string[] = [];
        let received = '';
        let arrived = () => undefined as void;
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          received += chunk;
          for (;;) {
            const head = received.indexOf('\r\n\r\n');
            if (head < 0) return;
            const length = Number(/content-length: (\d+)/i.exec(received.slice(0, head))?.[1] ?? 0);
            if (received.length < head + 4 + length) return;
            answers.push(received.slice(0, head + 4 + length));
            received = received.slice(head + 4 + length);
            arrived();
          }
        });
        const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        socket.on('error', () => undefined);
        /** Resolves with the n-th answer; fails if the connection ends (or is reset) first. */
        const answer = (n: number) =>
          new Promise<string>((resolve, reject) => {
            arrived = () => answers.length >= n && resolve(answers[n - 1] ?? '');
            arrived();
            void ended.then(() => reject(new Error(`the connection ended before answer ${n}`)));
          });
        const size = 2 * 1024 * 1024;
        socket.write(
          `POST /api/v1/auth/login HTTP/1.1\r\nhost: kinema\r\ncontent-type: application/json\r\n` +
            `content-length: ${size}\r\n\r\n${'{'.padEnd(65_536, ' ')}`,
        );
        const refused = await answer(1);
        expect(refused).toMatch(/^HTTP\/1\.1 413 /);
        expect(refused).toMatch(/content-type: application\/problem\+json/i);
        socket.write(' '.repeat(size - 65_536));
        socket.write('GET /healthz HTTP/1.1\r\nhost: kinema\r\n\r\n');
        expect(await answer(2)).toMatch(/^HTTP\/1\.1 200 /);
        socket.end();
        await ended;
      });

      it.each(['GET', 'HEAD'])(
        'answers %s with headers too large as a 431 problem a client can parse',
        async (method) => {
          const answer = await send(method, { 'x-padding': 'a'.repeat(100_000) });
          expect(answer.status).toBe(431);
          expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
          secured(answer.headers);
          if (method === 'HEAD') expect(answer.body).toBe('');
          else expect(JSON.parse(answer.body)).toMatchObject({ status: 431 });
        },
      );
    });
  });
});
