import {
  collectDefaultMetrics,
  Counter,
  Histogram,
  register,
  Registry,
  type LabelValues,
  type OpenMetricsContentType,
} from 'prom-client';
import type { SpanContext } from '@opentelemetry/api';
import { sampledSpanIds } from '../telemetry/trace-context';

// OpenMetrics, the exposition format that carries exemplars: a latency bucket names a trace that
// fell in it, so a dashboard can go from a slow bucket to the trace (Prometheus stores them with
// --enable-feature=exemplar-storage).
// prom-client types the default registry as the text format's; the content type is set once, here.
(register as unknown as Registry<OpenMetricsContentType>).setContentType(
  Registry.OPENMETRICS_CONTENT_TYPE,
);

let defaultsCollected = false;

/** Turns on the process metrics (CPU, memory, event-loop lag, GC) once per process. */
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
  defaultsCollected = true;
}

export const metricsRegistry = register;

export const grpcServerHandled = new Counter({
  name: 'grpc_server_handled_total',
  help: 'gRPC calls completed by this server, by method and status code.',
  labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
});

export const grpcServerDuration = new Histogram({
  name: 'grpc_server_handling_seconds',
  help: 'Time to handle a gRPC call on the server.',
  labelNames: ['grpc_service', 'grpc_method'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  enableExemplars: true,
});

export const httpRequestDuration = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route template, status and path (hot or pipeline).',
  labelNames: ['method', 'route', 'status_code', 'path'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  enableExemplars: true,
});

/** An exemplar for a span: its ids when its trace is sampled (kept by the backend). */
function exemplarOf<T extends string>(spanContext?: SpanContext): LabelValues<T> | undefined {
  const ids = sampledSpanIds(spanContext);
  // prom-client types exemplar labels as the metric's own label names, which an exemplar's
  // `trace_id`/`span_id` are not, hence the one cast.
  return ids && ({ trace_id: ids.traceId, span_id: ids.spanId } as LabelValues<T>);
}

/**
 * Starts timing an observation whose exemplar is the active span (when its trace is kept); the
 * returned function records it.
 */
export function startTracedTimer<T extends string>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
): () => void {
  const exemplar = exemplarOf<T>();
  const started = process.hrtime.bigint();
  return () =>
    histogram.observe({
      labels,
      value: Number(process.hrtime.bigint() - started) / 1e9,
      ...(exemplar ? { exemplarLabels: exemplar } : {}),
    });
}

/**
 * Records an observation whose exemplar is `spanContext` (the active span when not given), when
 * its trace is kept.
 */
export function observeTraced<T extends string>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
  value: number,
  spanContext?: SpanContext,
): void {
  const exemplar = exemplarOf<T>(spanContext);
  histogram.observe({ labels, value, ...(exemplar ? { exemplarLabels: exemplar } : {}) });
}
