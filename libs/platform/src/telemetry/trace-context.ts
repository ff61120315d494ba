import {
  context,
  isSpanContextValid,
  type AttributeValue,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type Link,
  type SpanContext,
} from '@opentelemetry/api';

/** W3C Trace Context's header names, as the propagator writes them into a carrier. */
const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';

/** Names of the headers that carry a trace context, e.g. the CloudEvents extension's `ce_*`. */
export interface TraceHeaderNames {
  traceparent: string;
  tracestate: string;
}

/**
 * The trace context of `ctx` (the active one by default) as headers under the given names; empty
 * when there is no valid span (tracing off, or nothing traced here).
 */
export function traceHeaders(
  names: TraceHeaderNames,
  ctx: Context = context.active(),
): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const headers: Record<string, string> = {};
  if (carrier[TRACEPARENT]) headers[names.traceparent] = carrier[TRACEPARENT];
  if (carrier[TRACESTATE]) headers[names.tracestate] = carrier[TRACESTATE];
  return headers;
}

type HeaderValue = string | Buffer | ReadonlyArray<string | Buffer> | undefined;

function text(value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The span context carried in headers under the given names, when there is a valid one. */
export function spanContextOf(
  headers: Readonly<Record<string, HeaderValue>> | undefined,
  names: TraceHeaderNames,
): SpanContext | undefined {
  const traceparent = text(headers?.[names.traceparent]);
  if (!traceparent) return undefined;
  const tracestate = text(headers?.[names.tracestate]);
  const carrier = {
    [TRACEPARENT]: traceparent,
    ...(tracestate ? { [TRACESTATE]: tracestate } : {}),
  };
  return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
}

/** A span link to the context carried in headers, with attributes; undefined when none is carried. */
export function linkFromHeaders(
  headers: Readonly<Record<string, HeaderValue>> | undefined,
  names: TraceHeaderNames,
  attributes: Link['attributes'] = {},
): Link | undefined {
  const spanContext = spanContextOf(headers, names);
  return spanContext ? { context: spanContext, attributes } : undefined;
}

/**
 * The ids of a span (the active one when not given) when its trace is sampled (kept by the
 * backend), else undefined.
 */
export function sampledSpanIds(
  spanContext: SpanContext | undefined = trace.getSpanContext(context.active()),
): { traceId: string; spanId: string } | undefined {
  // The flag first: most spans are not sampled, and the validity check tests both ids' digits.
  if (!spanContext || (spanContext.traceFlags & TraceFlags.SAMPLED) !== TraceFlags.SAMPLED) {
    return undefined;
  }
  if (!isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/**
 * Runs `work` outside the active span when that span is not recorded (a trace the sampler did not
 * keep), so the client instrumentations that need a parent span (pg, ioredis and undici: see
 * instrumentations.ts) leave it alone. Under the parent-based samplers Kinema uses, nothing made
 * below an unrecorded span is recorded either, yet the pg instrumentation still builds attributes,
 * binds callbacks and starts and ends a span for every connect and every query: about a fifth of
 * what tracing costs an uncached catalog read (docs/performance.md#tracing). Only for work that
 * carries no trace context onward (a database statement; never an RPC or a message), and whose
 * log lines, if any, may go without the trace id.
 */
export function outsideUnrecordedTrace<T>(work: () => T): T {
  const span = trace.getActiveSpan();
  if (!span || span.isRecording()) return work();
  return context.with(trace.deleteSpan(context.active()), work);
}

/**
 * Sets an attribute on the active span while it still records. Work can outlive its request's
 * span: Nest carries on with a request whose client left (its server span ended with 499 on
 * `close`), and the SDK answers an attribute set on an ended span with a warning line.
 */
export function annotateActiveSpan(key: string, value: AttributeValue): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttribute(key, value);
}
