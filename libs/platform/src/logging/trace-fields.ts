import type { SpanContext } from '@opentelemetry/api';

/**
 * W3C Trace Context's invalid trace id, all zeros, which the API's spans carry with tracing off
 * (its INVALID_TRACEID). Spelt here rather than imported: the gateway's invalidation thread logs
 * through this module, and loading the API for one constant cost its V8 heap about 0.4 MiB.
 */
const INVALID_TRACE_ID = '0'.repeat(32);

/**
 * The fields that name a log line's trace. The OpenTelemetry pino instrumentation adds them to
 * every line logged inside a trace (kinemaInstrumentations gives it these names); a line logged
 * outside its trace's context names the trace itself with traceFields.
 */
export const LOG_TRACE_KEYS = {
  traceId: 'trace_id',
  spanId: 'span_id',
  traceFlags: 'trace_flags',
} as const;

/**
 * A line's fields naming `trace`, as the instrumentation writes them; none without one (tracing
 * off: the API's spans carry the all-zero trace id).
 */
export function traceFields(trace: SpanContext | undefined): Record<string, string> {
  if (!trace || trace.traceId === INVALID_TRACE_ID) return {};
  return {
    [LOG_TRACE_KEYS.traceId]: trace.traceId,
    [LOG_TRACE_KEYS.spanId]: trace.spanId,
    [LOG_TRACE_KEYS.traceFlags]: `0${trace.traceFlags.toString(16)}`,
  };
}
