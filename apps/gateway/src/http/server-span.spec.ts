import { status, type sendUnaryData } from '@grpc/grpc-js';
import { MaturityRating, Title, TitleType } from '@kinema/contracts';
import { inMemoryTracing } from '@kinema/platform/testing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestGateway } from '../testing/test-gateway';
import { FakeServices } from '../testing/fake-services';

const TITLE_ID = '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b';
const CALLER = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

describe('with tracing off (no SDK registered)', () => {
  it('names no trace in the answer', async () => {
    const services = new FakeServices({});
    const app = await createTestGateway(services);
    try {
      const answer = await app.getHttpAdapter().getInstance().inject({ url: '/api/v1/genres' });
      expect(answer.headers['x-trace-id']).toBeUndefined();
      expect(answer.headers['traceresponse']).toBeUndefined();
    } finally {
      await app.close();
      services.stop();
    }
  });
});

describe("the gateway's server spans", () => {
  const tracing = inMemoryTracing();
  const { spans } = tracing;
  let services: FakeServices;
  let app: NestFastifyApplication;
  let catalogDown = false;
  const inject = (url: string, headers: Record<string, string> = {}) =>
    app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers });
  const serverSpan = (traceId: string) =>
    spans
      .getFinishedSpans()
      .find((span) => span.kind === SpanKind.SERVER && span.spanContext().traceId === traceId);

  beforeAll(async () => {
    tracing.start();
    services = new FakeServices({
      catalog: {
        getTitle: (_call: unknown, done: sendUnaryData<unknown>) =>
          catalogDown
            ? done(Object.assign(new Error('down'), { code: status.UNAVAILABLE }))
            : done(null, {
                title: Title.fromPartial({
                  id: TITLE_ID,
                  slug: 'night-harbour',
                  type: TitleType.TITLE_TYPE_MOVIE,
                  name: 'Night Harbour',
                  maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
                  version: 1,
                }),
              }),
      },
    });
    app = await createTestGateway(services, { CATALOG_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => {
    await app?.close();
    services?.stop();
    await tracing.stop();
  });
  beforeEach(() => {
    spans.reset();
    catalogDown = false;
  });

  it("joins the caller's trace, names the span by route, and names the trace in the answer", async () => {
    const answer = await inject(`/api/v1/titles/${TITLE_ID}?fields=x`, {
      traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01`,
    });
    const span = serverSpan(CALLER.traceId);
    expect(span?.name).toBe('GET /api/v1/titles/:id');
    expect(span?.parentSpanContext?.spanId).toBe(CALLER.spanId);
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/titles/:id',
      'url.path': `/api/v1/titles/${TITLE_ID}`,
      'http.response.status_code': answer.statusCode,
    });
    expect(answer.headers['x-trace-id']).toBe(CALLER.traceId);
    expect(answer.headers['traceresponse']).toBe(
      `00-${CALLER.traceId}-${span?.spanContext().spanId}-01`,
    );
  });

  it('starts a trace of its own without a traceparent, and marks an answer of 5xx as an error', async () => {
    catalogDown = true;
    const answer = await inject(`/api/v1/titles/${TITLE_ID}`);
    expect(answer.statusCode).toBe(503);
    const traceId = String(answer.headers['x-trace-id']);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const span = serverSpan(traceId);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['http.response.status_code']).toBe(503);
  });

  it('makes no span for a probe and names no trace in its answer, even inside a trace', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const answer = await inject(path, {
        traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01`,
      });
      // Answered by the probe itself: up, or (readiness, its checks failing) 503.
      expect([200, 503]).toContain(answer.statusCode);
      expect(answer.headers['x-trace-id']).toBeUndefined();
      expect(answer.headers['traceresponse']).toBeUndefined();
    }
    // The readiness check's own calls (the services' health) make none either.
    expect(spans.getFinishedSpans()).toEqual([]);
    // A request of the API right after is traced as ever.
    const answer = await inject('/api/v1/genres');
    expect(serverSpan(String(answer.headers['x-trace-id']))?.name).toBe('GET /api/v1/genres');
  });

  it('names a span by the route that answered, never by the URL asked for', async () => {
    const answer = await inject('/api/v1/no-such-route/4711');
    expect(answer.statusCode).toBe(404);
    const span = serverSpan(String(answer.headers['x-trace-id']));
    // No route matched (the test gateway serves no web app): the method alone names the span.
    expect(span?.name).toBe('GET');
    expect(span?.attributes['http.route']).toBeUndefined();
    expect(span?.name).not.toContain('4711');
  });
});
