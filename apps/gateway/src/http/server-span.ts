import { OPS_ROUTES, TRACE_ID_HEADER, TRACE_RESPONSE_HEADER } from '@kinema/contracts';
import {
  INVALID_TRACEID,
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
import { suppressTracing } from '@opentelemetry/core';
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

/** What a server span records of its request, whether Fastify or an early answer has it. */
export interface ServerSpanRequest {
  raw: IncomingMessage;
  method: string;
  url: string;
  /** The route template, when the request was routed. */
  route: string | undefined;
  protocol: string;
  ip: string | undefined;
}

/** A request's server span, and the context its work runs in: the caller's trace, with it current. */
export class ServerSpan {
  private made: Context | undefined;

  constructor(
    readonly span: Span,
    private readonly parent: Context,
  ) {}

  /**
   * Made when first asked: an early answer known at once whose span is not recorded needs none
   * (http/early-answers.ts), and making one copies the parent's entries.
   */
  get context(): Context {
    return (this.made ??= trace.setSpan(this.parent, this.span));
  }
}

const spans = new WeakMap<IncomingMessage, ServerSpan>();

/**
 * Starts the request's server span, joining the caller's trace when it sent a `traceparent`,
 * names the trace in the answer (`x-trace-id`, `traceresponse`, through `setHeader`), and returns
 * the context the rest of the request runs in. A request an early answer started and then left
 * to Fastify (http/early-answers.ts) keeps the span it has: one span per request.
 */
export function startServerSpan(
  request: ServerSpanRequest,
  setHeader: (name: string, value: string) => void,
): Context {
  const started = spans.get(request.raw);
  if (started) {
    nameTrace(started.span, setHeader);
    return started.context;
  }
  return keepServerSpan(request.raw, openServerSpan(request, setHeader));
}

/**
 * Starts the request's server span and names its trace in the answer, as startServerSpan does,
 * without keeping it as the request's: an early answer known at once ends it itself (`completed`
 * with the span), and keeps it (keepServerSpan) only when work waits or Fastify takes the request.
 */
export function openServerSpan(
  request: ServerSpanRequest,
  setHeader: (name: string, value: string) => void,
): ServerSpan {
  const { method, route } = request;
  const parent = opsProbe(route)
    ? suppressTracing(ROOT_CONTEXT)
    : propagation.extract(ROOT_CONTEXT, request.raw.headers);
  const span = HTTP_TRACER.startSpan(
    route === undefined ? method : `${method} ${route}`,
    { kind: SpanKind.SERVER },
    parent,
  );
  // Attributes only for a span that is kept: the samplers Kinema configures decide by trace id
  // and parent alone, and most requests' spans are not recorded (DEFAULT_TRACE_SAMPLE_RATIO).
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': method,
      'url.path': request.url.split('?', 1)[0],
      'url.scheme': request.protocol,
      'network.protocol.version': request.raw.httpVersion,
      ...(request.ip === undefined ? {} : { 'client.address': request.ip }),
      ...(route === undefined ? {} : { 'http.route': route }),
    });
  }
  nameTrace(span, setHeader);
  return new ServerSpan(span, parent);
}

/**
 * A probe or a scrape (OPS_ROUTES) is no trace: a cluster's kubelet asks every few seconds, and
 * `kinema trace last` would show `GET /readyz` after every `kinema status`. Its span, and any it
 * would lead to, are suppressed (the SDK's tracers make none in a suppressed context), so its
 * answer names no trace either; its duration is still a sample of the request histogram.
 */
function opsProbe(route: string | undefined): boolean {
  return route !== undefined && OPS_ROUTES.has(route);
}

/**
 * Keeps an opened span as the request's (the one it kept already, if any), and returns the
 * context its work runs in: Fastify's hooks (startServerSpan) find it, and endServerSpan ends it.
 */
export function keepServerSpan(raw: IncomingMessage, opened: ServerSpan): Context {
  const kept = spans.get(raw);
  if (kept) return kept.context;
  spans.set(raw, opened);
  return opened.context;
}

/**
 * With tracing off there is no trace to name (the API's spans carry an all-zero id). The ids are
 * the SDK's or a `traceparent` the propagator checked, so the all-zero id is the one to look for
 * (isSpanContextValid tests every digit of both ids again).
 */
function nameTrace(span: Span, setHeader: (name: string, value: string) => void): void {
  const spanContext = span.spanContext();
  if (spanContext.traceId === INVALID_TRACEID) return;
  const { traceId, spanId, traceFlags } = spanContext;
  const sampled = (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  setHeader(TRACE_ID_HEADER, traceId);
  setHeader(TRACE_RESPONSE_HEADER, `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`);
}

/**
 * Ends the request's server span with the status it was answered with (a 5xx is an error): the
 * one kept for the request, or `opened`, one an early answer started and kept itself.
 */
export function endServerSpan(raw: IncomingMessage, status: number, opened?: Span): void {
  const span = opened ?? spans.get(raw)?.span;
  if (!span) return;
  spans.delete(raw);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** The request's server span's context, once the request's own async context may be gone. */
export function serverSpanContext(raw: IncomingMessage): SpanContext | undefined {
  return spans.get(raw)?.span.spanContext();
}
