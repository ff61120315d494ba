import { randomUUID } from 'node:crypto';
import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  MaturityRating,
  Role,
  type CreateProfileRequest,
  type VerifyAccessTokenRequest,
} from '@kinema/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { testTokenIssuer, type TestCaller } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const PROFILES = '/api/v1/me/profiles';

const viewer: TestCaller = {
  accountId: '2f0a6c1e-8b3d-4e7f-9a1c-5d2e8f4b6a01',
  role: 'viewer',
  sessionId: '7a3b1c9d-2e4f-4a6b-8c0d-1e2f3a4b5c6d',
};
const other: TestCaller = {
  accountId: '9c8b7a6d-5e4f-4321-8fed-cba987654321',
  role: 'viewer',
  sessionId: '3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9',
};

type CreateProfile = (
  call: ServerUnaryCall<CreateProfileRequest, unknown>,
  done: sendUnaryData<unknown>,
) => void;

const created: CreateProfile = (call, done) =>
  done(null, {
    profile: {
      id: randomUUID(),
      accountId: call.request.accountId,
      name: call.request.name,
      kids: false,
      maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED,
    },
  });

/**
 * Idempotency-Key on POST /me/profiles, the real gateway over a fake users service that counts
 * the profiles it creates: a retry with the key is answered, never applied again.
 */
describe('POST with an Idempotency-Key', () => {
  let app: NestFastifyApplication;
  let services: FakeServices;
  let tokens: Map<TestCaller, string>;
  let calls: number;
  let createProfile: CreateProfile;

  beforeEach(async () => {
    calls = 0;
    createProfile = created;
    const issuer = await testTokenIssuer();
    tokens = new Map();
    for (const caller of [viewer, other]) tokens.set(caller, await issuer.sign(caller));
    const byToken = new Map([...tokens].map(([caller, token]) => [token, caller]));
    services = new FakeServices({
      users: {
        getSigningKeys: issuer.getSigningKeys,
        verifyAccessToken: (
          call: ServerUnaryCall<VerifyAccessTokenRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          const caller = byToken.get(call.request.accessToken);
          if (!caller)
            return done(grpcFailure(status.UNAUTHENTICATED, 'INVALID_ACCESS_TOKEN', 'Unknown.'));
          done(null, {
            accountId: caller.accountId,
            role: Role.ROLE_VIEWER,
            sessionId: caller.sessionId,
          });
        },
        createProfile: (
          call: ServerUnaryCall<CreateProfileRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          calls++;
          createProfile(call, done);
        },
      },
    });
    app = await createTestGateway(services);
  });

  afterEach(async () => {
    await app.close();
    services.stop();
  });

  const post = (key: string | undefined, name = 'Kim', caller = viewer) =>
    app.inject({
      method: 'POST',
      url: PROFILES,
      headers: {
        authorization: `Bearer ${tokens.get(caller)}`,
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      payload: { name },
    });

  it('creates one profile for a POST retried with the same key, and replays its answer', async () => {
    const key = `"${randomUUID()}"`;
    const first = await post(key);
    const retry = await post(key);
    expect(calls).toBe(1);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('treats a quoted key and the same key unquoted as one key', async () => {
    const key = randomUUID();
    await post(`"${key}"`);
    expect((await post(key)).headers['idempotent-replayed']).toBe('true');
    expect(calls).toBe(1);
  });

  it('applies every POST sent without a key', async () => {
    await post(undefined);
    await post(undefined);
    expect(calls).toBe(2);
  });

  it('refuses the key with another body: 422 IDEMPOTENCY_KEY_REUSED, nothing applied', async () => {
    const key = randomUUID();
    await post(key, 'Kim');
    const reused = await post(key, 'Lee');
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(calls).toBe(1);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request with the key still runs', async () => {
    let answerFirst: (() => void) | undefined;
    const reached = new Promise<void>((resolve) => {
      createProfile = (call, done) => {
        answerFirst = () => created(call, done);
        resolve();
      };
    });
    const key = randomUUID();
    const first = post(key);
    await reached;
    const concurrent = await post(key);
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    expect(concurrent.headers['retry-after']).toBe('1');
    answerFirst?.();
    expect((await first).statusCode).toBe(201);
    expect(calls).toBe(1);
  });

  it('frees the key after a failure a retry may fix', async () => {
    createProfile = (_call, done) =>
      done(grpcFailure(status.FAILED_PRECONDITION, 'PROFILE_LIMIT', 'Five profiles already.'));
    const key = randomUUID();
    expect((await post(key)).statusCode).toBe(409);
    createProfile = created;
    expect((await post(key)).statusCode).toBe(201);
    expect(calls).toBe(2);
  });

  it('keeps an unknown outcome: the retry is told so again and applies nothing', async () => {
    // The call passes its deadline, outcome unknown. Said by the service (the status a client's own
    // deadline gives too) so that no clock decides the test.
    createProfile = (_call, done) =>
      done(
        Object.assign(new Error('Deadline exceeded'), {
          code: status.DEADLINE_EXCEEDED,
          details: 'Deadline exceeded',
        }),
      );
    const key = randomUUID();
    const first = await post(key);
    expect(first.statusCode).toBe(504);
    expect(first.json()).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(first.headers['retry-after']).toBeUndefined();
    const retry = await post(key);
    expect(retry.statusCode).toBe(504);
    expect(retry.json()).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls).toBe(1);
  });

  it("keeps each caller's keys apart", async () => {
    const key = randomUUID();
    const mine = await post(key, 'Kim', viewer);
    const theirs = await post(key, 'Kim', other);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
    expect(calls).toBe(2);
  });

  it.each(['', 'a b', '"unterminated', 'x'.repeat(256)])(
    'refuses the key %j with a 400 naming the header',
    async (key) => {
      const answer = await post(key);
      expect(answer.statusCode).toBe(400);
      expect(answer.json().errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      expect(calls).toBe(0);
    },
  );
});
