import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { SpanKindName, SpanRecord, SpanStatusCode as StatusName } from '../span-record.types';

/** A tracer provider of the OpenTelemetry SDK for one service; spans go to `exporter`. */
export function tracerProvider(
  service: string,
  exporter: SpanExporter,
  resource: Record<string, unknown> = {},
): BasicTracerProvider {
  return new BasicTracerProvider({
    // The SDK takes resource attributes as given, so bytes and maps (AnyValue kinds its span
    // API refuses) can travel here.
    resource: resourceFromAttributes({
      'service.name': service,
      ...(resource as Record<string, string>),
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

/**
 * A small request as the services would trace it, made by the real SDK: a gateway SERVER span,
 * a CLIENT call with an event, a failing SQL span, and an outbox publish (PRODUCER) plus a Kafka
 * consumer (CONSUMER, a trace of its own) that link back to it. Every AnyValue kind is in there.
 */
export function sampleSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const resource = {
    'service.instance.id': 'catalog-2',
    'resource.bytes': new Uint8Array([0, 1, 2, 250, 255]),
    'resource.map': { team: 'kinema', replicas: 3, nested: { on: true, tags: ['a', 'b'] } },
  };
  const gateway = tracerProvider('gateway', exporter).getTracer('@kinema/test', '1.0.0');
  const catalog = tracerProvider('catalog', exporter, resource).getTracer('@kinema/test');
  const start = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

  const root = gateway.startSpan('GET /api/v1/titles/:id', {
    kind: SpanKind.SERVER,
    startTime: start,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/v1/titles/:id',
      'http.response.status_code': 200,
      'server.ratio': 0.25,
      'big.int': 2 ** 40,
      'negative.int': -7,
      enabled: true,
      'string.list': ['x', 'y'],
      'number.list': [1, 2.5],
      'bool.list': [true, false],
    },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const call = gateway.startSpan(
    'kinema.catalog.v1.Titles/GetTitle',
    { kind: SpanKind.CLIENT, startTime: start + 2, attributes: { 'rpc.system': 'grpc' } },
    inRoot,
  );
  call.addEvent('message', { 'message.id': 1, 'message.type': 'SENT' }, start + 3);
  const server = catalog.startSpan(
    'kinema.catalog.v1.Titles/GetTitle',
    { kind: SpanKind.SERVER, startTime: start + 4 },
    trace.setSpan(context.active(), call),
  );
  const query = catalog.startSpan(
    'SELECT kinema_catalog',
    {
      kind: SpanKind.CLIENT,
      startTime: start + 5,
      attributes: { 'db.query.text': 'SELECT * FROM titles WHERE id = $1' },
    },
    trace.setSpan(context.active(), server),
  );
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'relation "titles" does not exist' });
  query.end(start + 9);
  server.setStatus({ code: SpanStatusCode.OK });
  server.end(start + 10);
  call.end(start + 11);
  root.end(start + 12);

  const relayLink = { context: root.spanContext(), attributes: { 'link.reason': 'outbox' } };
  const publish = catalog.startSpan('catalog.titles.v1 publish', {
    kind: SpanKind.PRODUCER,
    root: true,
    startTime: start + 20,
    links: [relayLink],
    attributes: { 'messaging.destination.name': 'catalog.titles.v1' },
  });
  publish.end(start + 21);
  const consume = gateway.startSpan('catalog.titles.v1 process', {
    kind: SpanKind.CONSUMER,
    root: true,
    startTime: start + 25,
    links: [{ context: publish.spanContext() }],
  });
  consume.end(start + 26);
  return exporter.getFinishedSpans();
}

const KIND_NAMES: Record<SpanKind, SpanKindName> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUS_NAMES: Record<SpanStatusCode, StatusName> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

function nanos([seconds, nanoseconds]: [number, number]): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds)).toString();
}

/** What a receiver should make of an SDK span: the fields a record takes from it. */
export function expectedRecord(span: ReadableSpan): Partial<Record<keyof SpanRecord, unknown>> {
  const { traceId, spanId } = span.spanContext();
  return {
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: KIND_NAMES[span.kind],
    service: String(span.resource.attributes['service.name']),
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    status: { code: STATUS_NAMES[span.status.code], message: span.status.message ?? '' },
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: { ...link.attributes },
    })),
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: nanos(event.time),
      attributes: { ...event.attributes },
    })),
  };
}
