/**
 * A span as the embedded receiver keeps and serves it: plain JSON, whatever encoding it arrived
 * in. The query API (README.md) answers with these shapes; `kinema trace` reads them.
 */

/** An OTLP AnyValue: a map arrives as an object, bytes as base64 text, an empty value as null. */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/** OTLP's SpanKind, by name (SPAN_KIND_SERVER is `server`). */
export type SpanKindName =
  'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** OTLP's Status.code, by name. */
export type SpanStatusCode = 'unset' | 'ok' | 'error';

export interface SpanEventRecord {
  name: string;
  /** Nanoseconds since the Unix epoch, as a decimal string (int64 does not fit a JSON number). */
  timeUnixNano: string;
  attributes: Attributes;
}

export interface SpanLinkRecord {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  attributes: Attributes;
}

export interface SpanRecord {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** Null for a span that starts its trace. */
  parentSpanId: string | null;
  name: string;
  kind: SpanKindName;
  /** The `service.name` resource attribute (`unknown_service` when the sender gave none). */
  service: string;
  /** The `service.instance.id` resource attribute (the replica), when the sender gave one. */
  instance: string | null;
  /** Nanoseconds since the Unix epoch, as a decimal string. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  attributes: Attributes;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  status: { code: SpanStatusCode; message: string };
  /** Every resource attribute (service.name and service.instance.id included). */
  resource: Attributes;
  /** The instrumentation library that made the span. */
  scope: { name: string; version: string | null };
}

/** One trace in a list: its root span (the earliest whose parent is not in the trace) in brief. */
export interface TraceSummary {
  traceId: string;
  rootSpanId: string;
  /** The root span's name, service and kind. */
  name: string;
  service: string;
  kind: SpanKindName;
  /** The root's `http.route`, when it is an HTTP request. */
  route: string | null;
  /** True when the root has no parent at all (not a part whose parent has not arrived). */
  complete: boolean;
  startTimeUnixNano: string;
  /** The root's start, ISO 8601. */
  startTime: string;
  /** The root span's duration. */
  durationMs: number;
  spanCount: number;
  /** Every service with a span in the trace, the root's first. */
  services: string[];
  /** Spans with status ERROR. */
  errorCount: number;
}

/** GET /api/traces */
export interface TraceListResponse {
  traces: TraceSummary[];
}

/** GET /api/traces/{traceId} */
export interface TraceResponse {
  summary: TraceSummary;
  /** In the order received. */
  spans: SpanRecord[];
  /** The spans this trace's links point to, those the receiver holds. */
  linkedSpans: SpanRecord[];
  /** The replicas seen of each service of the trace (several: the replica is worth showing). */
  instances: Record<string, string[]>;
}

/** GET /api/traces/{traceId}/linked-from: spans of other traces with a link into this one. */
export interface LinkedFromResponse {
  spans: SpanRecord[];
}

export interface TraceStoreLimits {
  /** Traces kept; past it the oldest (first received) go. */
  maxTraces: number;
  /** Spans kept over all traces; past it the oldest traces go. */
  maxSpans: number;
  /**
   * Spans kept of one trace; later ones are refused (reported as an OTLP partial success), except
   * a root span (one without a parent).
   */
  maxSpansPerTrace: number;
}

/** GET /api/stats */
export interface ReceiverStatsResponse {
  traces: number;
  spans: number;
  limits: TraceStoreLimits;
  /** Traces dropped to stay within the limits since the receiver started. */
  evictedTraces: number;
  /** Spans refused because their trace was full. */
  refusedSpans: number;
}
