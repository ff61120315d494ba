import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import {
  Availability,
  MaturityRating,
  REQUEST_ID_METADATA,
  Title,
  TitleType,
} from '@kinema/contracts';
import { currentRequestId } from '@kinema/platform/logging';
import { inMemoryTracing } from '@kinema/platform/testing';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { register } from 'prom-client';
import { HttpEdge } from '../http-edge.module';
import { FakeServices } from '../testing/fake-services';
import { testAdmin } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const LIST = '/api/v1/titles?limit=5';
const LIMIT = 8;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The header field lines as sent, lower-cased: a field sent twice is there twice. */
  lines: string[];
  body: Buffer;
}

/** Headers that differ between any two answers, early or not. */
const PER_REQUEST = ['date', 'x-request-id', 'x-trace-id', 'traceresponse'];

function withoutPerRequest(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !PER_REQUEST.includes(name)),
  );
}

/** A hook-path answer's headers but for the allowed origin, which only a request with one gets. */
function withoutOrigin(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = withoutPerRequest(headers);
  delete kept['access-control-allow-origin'];
  return kept;
}

async function earlyAnswers(): Promise<number> {
  const metric = await register.getSingleMetric('gateway_early_answers_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

/**
 * Repeats of cached reads answered on the socket, ahead of Fastify (EarlyAnswers): over real
 * connections, since `inject` never reaches the server's listener. What a client sees must be
 * what Fastify's hot path sends it: the same status, bytes and headers, 304 and gzip, the budget,
 * the log line, and the connection's drain.
 */
describe('early answers', () => {
  const tracing = inMemoryTracing();
  beforeAll(() => tracing.start());
  afterAll(() => tracing.stop());
  let app: NestFastifyApplication;
  let services: FakeServices;
  let token: string;
  let port: number;
  let agent: Agent;
  const lines: Record<string, unknown>[] = [];
  /** The request id of each session check the users service was asked for. */
  const sessionChecks: string[] = [];
  let logger: pino.Logger;

  async function startGateway(env: Record<string, string> = {}) {
    app = await createTestGateway(
      services,
      { RATE_LIMIT_REQUESTS: String(LIMIT), CORS_ORIGINS: 'https://app.example', ...env },
      logger,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  }

  beforeEach(async () => {
    lines.length = 0;
    sessionChecks.length = 0;
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const admin = await testAdmin();
    token = admin.token;
    const { verifyAccessToken } = admin.users;
    services = new FakeServices({
      users: {
        ...admin.users,
        verifyAccessToken: (call: ServerUnaryCall<unknown, unknown>, done) => {
          sessionChecks.push(String(call.metadata.get(REQUEST_ID_METADATA)[0]));
          verifyAccessToken?.(call, done);
        },
      },
      catalog: {
        listTitles: (_call: unknown, done: sendUnaryData<unknown>) =>
          done(null, {
            titles: Array.from({ length: 5 }, (_, n) =>
              Title.fromPartial({
                id: `0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6${n}`,
                slug: `night-harbour-${n}`,
                type: TitleType.TITLE_TYPE_MOVIE,
                name: `Night Harbour ${n}, a long enough name for a body worth compressing`,
                releaseYear: 2020,
                maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
                availability: Availability.AVAILABILITY_PUBLISHED,
                playable: true,
                version: 7,
              }),
            ),
            nextCursor: '',
          }),
      },
    });
    // As the platform's logger: the request id from the request's async context.
    logger = pino(
      { level: 'info', mixin: () => ({ requestId: currentRequestId() }) },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    await startGateway();
  });

  afterEach(async () => {
    agent.destroy();
    await app.close();
    services.stop();
  });

  const get = (headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port, path: LIST, method, headers, agent },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              lines: incoming.rawHeaders
                .filter((_, index) => index % 2 === 0)
                .map((name) => name.toLowerCase()),
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });

  /** The same request early (no Origin) and through Fastify's hot path (an Origin sent). */
  async function earlyAndHook(headers: Record<string, string> = {}) {
    await get(headers);
    const before = await earlyAnswers();
    const early = await get(headers);
    const afterEarly = await earlyAnswers();
    const hook = await get({ ...headers, origin: 'https://app.example' });
    expect(afterEarly - before).toBe(1);
    expect((await earlyAnswers()) - afterEarly).toBe(0);
    return { early, hook };
  }

  it.each([
    ['anonymous', {}],
    ['gzip taken', { 'accept-encoding': 'gzip' }],
    ['signed in', { authorization: 'Bearer <token>' }],
  ])(
    'answers a repeat on the socket with the status, bytes and headers of the hot path (%s)',
    async (_name, headers: Record<string, string>) => {
      const sent = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, value.replace('<token>', token)]),
      );
      const { early, hook } = await earlyAndHook(sent);
      expect(early.status).toBe(200);
      expect(early.body.equals(hook.body)).toBe(true);
      expect(hook.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(withoutPerRequest(early.headers)).toEqual(withoutOrigin(hook.headers));
      // One field line per header, as the hook sends them (Vary merged, not repeated).
      expect([...early.lines].sort()).toEqual(
        hook.lines.filter((name) => name !== 'access-control-allow-origin').sort(),
      );
      if (sent['accept-encoding']) expect(early.headers['content-encoding']).toBe('gzip');
    },
  );

  it('answers If-None-Match with 304 and no body, with the headers of the hot path', async () => {
    const first = await get();
    const { early, hook } = await earlyAndHook({ 'if-none-match': String(first.headers.etag) });
    expect(early.status).toBe(304);
    expect(early.body.length).toBe(0);
    expect(withoutPerRequest(early.headers)).toEqual(withoutOrigin(hook.headers));
  });

  it("keeps the caller's request id, names its trace and logs path=hot", async () => {
    await get();
    const early = await get({ 'x-request-id': 'early-read-1' });
    expect(early.headers['x-request-id']).toBe('early-read-1');
    // The line names the trace and span the answer names.
    const [, traceId, spanId] = String(early.headers['traceresponse']).split('-');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const line = lines.find((logged) => logged['requestId'] === 'early-read-1');
    expect(line).toMatchObject({
      msg: 'request',
      route: '/api/v1/titles',
      path: 'hot',
      status: 200,
      url: LIST,
      trace_id: traceId,
      span_id: spanId,
    });
    const metrics = await register.getSingleMetricAsString('http_server_request_duration_seconds');
    expect(metrics).toMatch(/_count\{[^}]*route="\/api\/v1\/titles"[^}]*path="hot"[^}]*\} [1-9]/);
  });

  it("asks what it waits for in the request's context: the users service sees its request id", async () => {
    // No session trusted between reads: every signed-in repeat asks the users service first.
    await app.close();
    await startGateway({ SESSION_CHECK_CACHE_MS: '0' });
    const signedIn = { authorization: `Bearer ${token}` };
    expect((await get(signedIn)).status).toBe(200);
    const before = await earlyAnswers();
    const early = await get({ ...signedIn, 'x-request-id': 'early-after-users-1' });
    expect(early.status).toBe(200);
    expect(early.headers['x-request-id']).toBe('early-after-users-1');
    expect((await earlyAnswers()) - before).toBe(1);
    expect(sessionChecks.at(-1)).toBe('early-after-users-1');
  });

  it("records its span: the caller's trace, the route, the status and the cache's hit", async () => {
    await get();
    const before = await earlyAnswers();
    const caller = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    const early = await get({ traceparent: `00-${caller.traceId}-${caller.spanId}-01` });
    expect((await earlyAnswers()) - before).toBe(1);
    expect(early.headers['x-trace-id']).toBe(caller.traceId);
    // The span ends when the response closes, which may come after the client has read it.
    const ended = () =>
      tracing.spans
        .getFinishedSpans()
        .find((span) => span.spanContext().traceId === caller.traceId);
    for (const deadline = Date.now() + 2_000; !ended() && Date.now() < deadline;) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const span = ended();
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.name).toBe('GET /api/v1/titles');
    expect(span?.parentSpanContext?.spanId).toBe(caller.spanId);
    expect(span?.attributes).toMatchObject({
      'http.route': '/api/v1/titles',
      'http.response.status_code': 200,
      'kinema.cache.result': 'hit',
    });
    expect(early.headers['traceresponse']).toBe(
      `00-${caller.traceId}-${span?.spanContext().spanId}-01`,
    );
  });

  it("counts every read against the caller's budget and leaves the 429 to the pipeline", async () => {
    const statuses: number[] = [];
    for (let n = 0; n <= LIMIT; n++) statuses.push((await get()).status);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    const refused = await get();
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('leaves HEAD and a forged token to Fastify, which answers them as before', async () => {
    await get();
    const before = await earlyAnswers();
    expect((await get({}, 'HEAD')).status).toBe(200);
    expect((await get({ authorization: `Bearer ${token.slice(0, -4)}AAAA` })).status).toBe(401);
    expect(await earlyAnswers()).toBe(before);
  });

  it('closes the connection when the replica is draining', async () => {
    await get();
    const server = app.getHttpServer();
    const drained = app.get(HttpEdge).connectionDrain.drain(server, 5_000);
    const early = await get();
    expect(early.status).toBe(200);
    expect(early.headers.connection).toBe('close');
    await drained;
  });
});

describe('the start-up check of early answers', () => {
  /** A maintainer's hook, added where the edge does not say how early answers replay it. */
  @Injectable()
  class AuditHook implements OnModuleInit {
    constructor(private readonly adapterHost: HttpAdapterHost) {}

    onModuleInit(): void {
      const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
      fastify.addHook('onRequest', function auditTrail(_request, _reply, done) {
        done();
      });
    }
  }

  it('refuses to start with a hook that early answers of hot routes would skip', async () => {
    const services = new FakeServices({});
    try {
      await expect(
        createTestGateway(services, {}, undefined, undefined, { providers: [AuditHook] }),
      ).rejects.toThrow(/onRequest hook "auditTrail" \(root\)/);
    } finally {
      services.stop();
    }
  });
});
