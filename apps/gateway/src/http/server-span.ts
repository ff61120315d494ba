import { TRACE_ID_HEADER, TRACE_RESPONSE_HEADER } from '@kinema/contracts';
import {
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

/**
 * The gateway's HTTP server spans, made in its own request hooks rather than by
 * `@opentelemetry/instrumentation-http`'s incoming side (turned off in the platform's
 * instrumentations): that instrumentation binds every request's and response's event listeners
 * to the trace and computes its attributes before sampling, which measured 0.16 ms of CPU per
 * request (docs/performance.md) against a cached read that costs the gateway about 0.1 ms in all.
 * These spans follow the same semantic conventions, and Fastify's routing names them by route.
 */
const HTTP_TRACER = trace.getTracer('@kinema/gateway/http');

const spans = new WeakMap<IncomingMessage, Span>();

/**
 * Starts the request's server span, joining the caller's trace when it sent a `traceparent`,
 * names the trace in the answer (`x-trace-id`, `traceresponse`), and returns the context the rest
 * of the request runs in.
 */
export function startServerSpan(request: FastifyRequest, reply: FastifyReply): Context {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const route = request.routeOptions.url;
  const span = HTTP_TRACER.startSpan(
    route === undefined ? request.method : `${request.method} ${route}`,
    { kind: SpanKind.SERVER },
    parent,
  );
  // Attributes only for a span that is kept: the samplers Kinema configures decide by trace id
  // and parent alone, and most requests' spans are not recorded (DEFAULT_TRACE_SAMPLE_RATIO).
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': request.method,
      'url.path': request.url.split('?', 1)[0],
      'url.scheme': request.protocol,
      'network.protocol.version': request.raw.httpVersion,
      'client.address': request.ip,
      ...(route === undefined ? {} : { 'http.route': route }),
    });
  }
  spans.set(request.raw, span);
  const spanContext = span.spanContext();
  // With tracing off there is no trace to name (the API's spans carry an all-zero id).
  if (isSpanContextValid(spanContext)) {
    const { traceId, spanId, traceFlags } = spanContext;
    const sampled = (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    void reply.header(TRACE_ID_HEADER, traceId);
    void reply.header(TRACE_RESPONSE_HEADER, `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`);
  }
  return trace.setSpan(parent, span);
}

/** Ends the request's server span with the status it was answered with (a 5xx is an error). */
export function endServerSpan(request: FastifyRequest, status: number): void {
  const span = spans.get(request.raw);
  if (!span) return;
  spans.delete(request.raw);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** The request's server span's context, once the request's own async context may be gone. */
export function serverSpanContext(request: FastifyRequest): SpanContext | undefined {
  return spans.get(request.raw)?.spanContext();
}
