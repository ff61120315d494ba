import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  ArtworkKind,
  ACCOUNT_ROLES,
  ARTWORK_LIMITS,
  type GetArtworkRequest,
  type PutArtworkRequest,
  type VerifyAccessTokenRequest,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { TEST_ADMIN_ACCOUNT, testTokenIssuer, type TestCaller } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const HASH = 'ab'.repeat(32);
const KEY = `artwork/poster/${HASH}`;
const WEBP = Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 fake', 'latin1');
const ADMIN: TestCaller = {
  accountId: TEST_ADMIN_ACCOUNT,
  role: 'admin',
  sessionId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
};
const VIEWER: TestCaller = {
  accountId: '2f0a6c1e-8b3d-4e7f-9a1c-5d2e8f4b6a01',
  role: 'viewer',
  sessionId: '7a3b1c9d-2e4f-4a6b-8c0d-1e2f3a4b5c6d',
};

/** Artwork at the edge: admin uploads, and variants any browser may cache for good. */
describe('artwork at the edge', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  let token = '';
  let viewerToken = '';
  const puts: PutArtworkRequest[] = [];
  const gets: GetArtworkRequest[] = [];
  let putAnswer: (done: sendUnaryData<unknown>) => void = () => undefined;

  const inject = (options: {
    method: 'GET' | 'POST';
    url: string;
    headers?: Record<string, string>;
    body?: Buffer;
  }) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ ...options, ...(options.body ? { payload: options.body } : {}) });
  const upload = (body: Buffer, contentType = 'image/png', url = '/api/v1/artwork/poster') =>
    inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });

  beforeAll(async () => {
    const issuer = await testTokenIssuer();
    token = await issuer.sign(ADMIN);
    viewerToken = await issuer.sign(VIEWER);
    const callers = new Map([
      [token, ADMIN],
      [viewerToken, VIEWER],
    ]);
    services = new FakeServices({
      users: {
        getSigningKeys: issuer.getSigningKeys,
        verifyAccessToken: (
          call: ServerUnaryCall<VerifyAccessTokenRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          const caller = callers.get(call.request.accessToken);
          if (!caller) {
            done(grpcFailure(status.UNAUTHENTICATED, 'INVALID_ACCESS_TOKEN', 'Unknown session.'));
            return;
          }
          done(null, {
            accountId: caller.accountId,
            role: ACCOUNT_ROLES.toProto(caller.role),
            sessionId: caller.sessionId,
          });
        },
      },
      artwork: {
        putArtwork: (
          call: ServerUnaryCall<PutArtworkRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          puts.push(call.request);
          putAnswer(done);
        },
        getArtwork: (
          call: ServerUnaryCall<GetArtworkRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          gets.push(call.request);
          if (call.request.key === KEY && call.request.width === 200)
            done(null, { image: WEBP, contentType: 'image/webp' });
          else
            done(
              grpcFailure(
                status.NOT_FOUND,
                'ARTWORK_NOT_FOUND',
                'No artwork has this key and width.',
              ),
            );
        },
      },
    });
    app = await createTestGateway(services);
  });

  beforeEach(() => {
    puts.length = 0;
    gets.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  it('passes an admin’s image to the videos service and answers its key', async () => {
    putAnswer = (done) => done(null, { key: KEY, width: 600, height: 900 });
    const image = Buffer.from('\x89PNG\r\n\x1a\n pretend', 'latin1');
    const response = await upload(image);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ key: KEY, width: 600, height: 900 });
    expect(puts).toHaveLength(1);
    expect(puts[0]?.kind).toBe(ArtworkKind.ARTWORK_KIND_POSTER);
    expect(puts[0]?.contentType).toBe('image/png');
    expect(Buffer.from(puts[0]?.image ?? []).equals(image)).toBe(true);
  });

  it('answers 422 problem+json, with the service’s reason, for a file that is not the image it claims', async () => {
    putAnswer = (done) =>
      done(
        grpcFailure(
          status.INVALID_ARGUMENT,
          'ARTWORK_UNPROCESSABLE',
          'The file is image/jpeg, not the declared image/png.',
        ),
      );
    const response = await upload(Buffer.from('not really'));
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'ARTWORK_UNPROCESSABLE',
      detail: 'The file is image/jpeg, not the declared image/png.',
    });
  });

  it('answers 413 problem+json for an image above the limit without passing it on', async () => {
    const response = await upload(Buffer.alloc(ARTWORK_LIMITS.maxBytes + 1));
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(puts).toHaveLength(0);
  });

  it('answers 415 problem+json for a type that is not an accepted image', async () => {
    const response = await upload(Buffer.from('GIF89a'), 'image/gif');
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(puts).toHaveLength(0);
  });

  it('answers 404 for a kind that does not exist', async () => {
    const response = await upload(Buffer.from('x'), 'image/png', '/api/v1/artwork/thumbnail');
    expect(response.statusCode).toBe(404);
    expect(puts).toHaveLength(0);
  });

  it('refuses image bodies on every other route', async () => {
    const response = await upload(Buffer.from('x'), 'image/png', '/api/v1/titles');
    expect(response.statusCode).toBe(415);
  });

  it.each([
    ['an accepted image type', 'image/png'],
    ['a type no parser takes', 'image/gif'],
    ['JSON', 'application/json'],
  ])(
    'answers a viewer 403 problem+json for an upload with %s: authorization comes first',
    async (_case, contentType) => {
      const response = await inject({
        method: 'POST',
        url: '/api/v1/artwork/poster',
        headers: { authorization: `Bearer ${viewerToken}`, 'content-type': contentType },
        body: Buffer.from('{}'),
      });
      expect(response.statusCode).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(puts).toHaveLength(0);
    },
  );

  it('answers 401 to an upload without a token, whatever its type', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/artwork/poster',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from('x'),
    });
    expect(response.statusCode).toBe(401);
  });

  it('keeps uploads to admins', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/v1/artwork/poster',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from('x'),
    });
    expect(response.statusCode).toBe(401);
    expect(puts).toHaveLength(0);
  });

  it('serves a variant to anyone as WebP, cacheable for good', async () => {
    const response = await inject({ method: 'GET', url: `/api/v1/${KEY}/200.webp` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/webp');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.rawPayload.equals(WEBP)).toBe(true);
    expect(gets).toEqual([{ key: KEY, width: 200 }]);
  });

  it('answers 304 to a browser that holds the variant, without asking the service', async () => {
    const first = await inject({ method: 'GET', url: `/api/v1/${KEY}/200.webp` });
    gets.length = 0;
    const again = await inject({
      method: 'GET',
      url: `/api/v1/${KEY}/200.webp`,
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(gets).toHaveLength(0);
  });

  it.each([
    [`/api/v1/${KEY}/300.webp`, 'a width the service does not store'],
    [`/api/v1/artwork/poster/${HASH.toUpperCase()}/200.webp`, 'a hash that is not lower-case hex'],
    [`/api/v1/artwork/poster/${HASH}/200.png`, 'another format'],
  ])('answers 404 problem+json for %s (%s)', async (url) => {
    const response = await inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(String(response.headers['cache-control'] ?? '')).not.toContain('immutable');
  });
});
