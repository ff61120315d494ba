import { CE_TRACING_HEADERS } from '@kinema/contracts/events';
import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  annotateActiveSpan,
  linkFromHeaders,
  outsideUnrecordedTrace,
  sampledSpanIds,
  spanContextOf,
  traceHeaders,
} from './trace-context';

const sampled: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  traceState: undefined,
};

// The W3C propagator and the async context a service registers at start.
beforeAll(() => new NodeTracerProvider().register());
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

const inSpan = (spanContext: SpanContext) =>
  trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(spanContext));

describe('trace context in event headers', () => {
  it('writes the CloudEvents extension headers and reads the same context back', () => {
    const headers = traceHeaders(CE_TRACING_HEADERS, inSpan(sampled));
    expect(headers).toEqual({
      ce_traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(spanContextOf(headers, CE_TRACING_HEADERS)).toMatchObject({
      traceId: sampled.traceId,
      spanId: sampled.spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  });

  it('writes nothing where nothing is traced', () => {
    expect(traceHeaders(CE_TRACING_HEADERS, ROOT_CONTEXT)).toEqual({});
  });

  it('reads Kafka header values as Kafka gives them (buffers, arrays)', () => {
    const headers = { ce_traceparent: [Buffer.from(`00-${sampled.traceId}-${sampled.spanId}-00`)] };
    expect(spanContextOf(headers, CE_TRACING_HEADERS)?.traceFlags).toBe(TraceFlags.NONE);
  });

  it('links to the carried context with attributes, and to nothing when it is absent or forged', () => {
    const link = linkFromHeaders(
      { ce_traceparent: `00-${sampled.traceId}-${sampled.spanId}-01` },
      CE_TRACING_HEADERS,
      { 'messaging.message.id': 'e1' },
    );
    expect(link?.context.spanId).toBe(sampled.spanId);
    expect(link?.attributes).toEqual({ 'messaging.message.id': 'e1' });
    expect(linkFromHeaders({}, CE_TRACING_HEADERS)).toBeUndefined();
    expect(linkFromHeaders({ ce_traceparent: 'not a traceparent' }, CE_TRACING_HEADERS)).toBe(
      undefined,
    );
  });

  it('names a span for exemplars only when its trace is sampled', () => {
    expect(context.with(inSpan(sampled), sampledSpanIds)).toEqual({
      traceId: sampled.traceId,
      spanId: sampled.spanId,
    });
    expect(
      context.with(inSpan({ ...sampled, traceFlags: TraceFlags.NONE }), sampledSpanIds),
    ).toBeUndefined();
    expect(sampledSpanIds()).toBeUndefined();
  });
});

describe('work outside a trace nobody keeps', () => {
  const tracer = () => trace.getTracer('test');

  it('runs without the active span when the sampler did not keep its trace', () => {
    const unsampled = { ...sampled, traceFlags: TraceFlags.NONE };
    const seen = context.with(inSpan(unsampled), () =>
      outsideUnrecordedTrace(() => trace.getActiveSpan()),
    );
    expect(seen).toBeUndefined();
  });

  it('keeps a recorded span active, so the work is traced under it', () => {
    const span = tracer().startSpan('kept');
    expect(span.isRecording()).toBe(true);
    const seen = context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      outsideUnrecordedTrace(() => trace.getActiveSpan()),
    );
    span.end();
    expect(seen).toBe(span);
  });

  it('gives back what the work returns', async () => {
    await expect(outsideUnrecordedTrace(async () => 42)).resolves.toBe(42);
  });
});

describe('attributes for the active span', () => {
  it('are set while the span records, and left without a warning once it has ended', () => {
    const warnings: unknown[] = [];
    diag.setLogger(
      {
        error: () => undefined,
        warn: (...args) => warnings.push(args),
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      DiagLogLevel.WARN,
    );
    try {
      const span = trace.getTracer('test').startSpan('request');
      const within = trace.setSpan(ROOT_CONTEXT, span);
      context.with(within, () => annotateActiveSpan('kinema.cache.result', 'miss'));
      span.end();
      context.with(within, () => annotateActiveSpan('kinema.cache.result', 'hit'));
      expect((span as unknown as { attributes: object }).attributes).toEqual({
        'kinema.cache.result': 'miss',
      });
      expect(warnings).toEqual([]);
    } finally {
      diag.disable();
    }
  });
});
