import type {
  ReceiverStatsResponse,
  SpanRecord,
  TraceStoreLimits,
  TraceSummary,
} from './span-record.types';

/**
 * The default bounds: spans as the services make them (a gRPC call, eight SQL statements, HTTP
 * attributes) took about 1 KiB of heap each, so 10,000 spans hold around 10 MiB: minutes of a
 * learner clicking through the app.
 */
export const DEFAULT_TRACE_STORE_LIMITS: TraceStoreLimits = {
  maxTraces: 1_000,
  maxSpans: 10_000,
  maxSpansPerTrace: 2_000,
};

/** What a list of traces asks for (the query API's parameters, validated). */
export interface TraceQuery {
  sort: 'recent' | 'slowest';
  /**
   * `server`: only requests, traces begun by a SERVER span that has arrived (a part whose parent
   * is still on its way does not count); `any`: background work and incomplete traces too.
   */
  root: 'server' | 'any';
  /** Traces with a span of this service. */
  service?: string;
  /** Traces whose root's name or `http.route` contains this text (case aside). */
  route?: string;
  /** Traces whose root started at or after this time (ms since the epoch). */
  sinceMs?: number;
  limit: number;
}

interface StoredTrace {
  spans: Map<string, SpanRecord>;
  summary?: TraceSummary;
}

/** The outcome of adding spans: how many were refused because their trace was full. */
export interface AddOutcome {
  refused: number;
  /** Names the first full trace, for the exporter's partial-success message. */
  message?: string;
}

function startMs(span: SpanRecord): number {
  return Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000;
}

function summarise(traceId: string, spans: SpanRecord[]): TraceSummary {
  const ids = new Set(spans.map((span) => span.spanId));
  const byStart = [...spans].sort((a, b) => startMs(a) - startMs(b));
  // The root: the earliest span whose parent is not here (its own parent may still be on its way).
  const root =
    byStart.find((span) => span.parentSpanId === null) ??
    byStart.find((span) => span.parentSpanId === null || !ids.has(span.parentSpanId)) ??
    byStart[0];
  if (!root) throw new Error(`trace ${traceId} has no spans`);
  const route = root.attributes['http.route'];
  const services = [root.service, ...spans.map((span) => span.service)];
  return {
    traceId,
    rootSpanId: root.spanId,
    name: root.name,
    service: root.service,
    kind: root.kind,
    route: typeof route === 'string' ? route : null,
    complete: root.parentSpanId === null,
    startTimeUnixNano: root.startTimeUnixNano,
    startTime: new Date(startMs(root)).toISOString(),
    durationMs: root.durationMs,
    spanCount: spans.length,
    services: [...new Set(services)],
    errorCount: spans.filter((span) => span.status.code === 'error').length,
  };
}

/**
 * The receiver's memory: spans grouped by trace, bounded by `limits`. Traces are dropped oldest
 * first (in the order their first span arrived); a span sent twice (an exporter's retry) replaces
 * the first copy.
 */
export class TraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  private spanCount = 0;
  private evicted = 0;
  private refusedTotal = 0;

  constructor(readonly limits: TraceStoreLimits = DEFAULT_TRACE_STORE_LIMITS) {}

  add(spans: SpanRecord[]): AddOutcome {
    const outcome: AddOutcome = { refused: 0 };
    for (const span of spans) {
      let stored = this.traces.get(span.traceId);
      if (!stored) {
        stored = { spans: new Map() };
        this.traces.set(span.traceId, stored);
      }
      if (!stored.spans.has(span.spanId)) {
        // A root is taken past the cap: it ends (and so arrives) last, and says what the trace is.
        if (span.parentSpanId !== null && stored.spans.size >= this.limits.maxSpansPerTrace) {
          outcome.refused++;
          outcome.message ??= `trace ${span.traceId} already holds ${this.limits.maxSpansPerTrace} spans, the most one trace may keep`;
          continue;
        }
        this.spanCount++;
      }
      stored.spans.set(span.spanId, span);
      stored.summary = undefined;
    }
    this.refusedTotal += outcome.refused;
    this.evict();
    return outcome;
  }

  private evict(): void {
    for (const [traceId, stored] of this.traces) {
      if (this.traces.size <= this.limits.maxTraces && this.spanCount <= this.limits.maxSpans)
        return;
      this.traces.delete(traceId);
      this.spanCount -= stored.spans.size;
      this.evicted++;
    }
  }

  private summary(traceId: string, stored: StoredTrace): TraceSummary {
    return (stored.summary ??= summarise(traceId, [...stored.spans.values()]));
  }

  /** Summaries of the traces that match, most recent (or slowest) first. */
  list(query: TraceQuery): TraceSummary[] {
    const route = query.route?.toLowerCase();
    const matches: TraceSummary[] = [];
    for (const [traceId, stored] of this.traces) {
      const summary = this.summary(traceId, stored);
      if (query.root === 'server' && !(summary.kind === 'server' && summary.complete)) continue;
      if (query.service !== undefined && !summary.services.includes(query.service)) continue;
      if (
        route !== undefined &&
        !summary.name.toLowerCase().includes(route) &&
        !(summary.route ?? '').toLowerCase().includes(route)
      )
        continue;
      if (query.sinceMs !== undefined && Date.parse(summary.startTime) < query.sinceMs) continue;
      matches.push(summary);
    }
    const recent = (a: TraceSummary, b: TraceSummary) => {
      const [first, second] = [BigInt(a.startTimeUnixNano), BigInt(b.startTimeUnixNano)];
      return second > first ? 1 : second < first ? -1 : 0;
    };
    matches.sort(
      query.sort === 'slowest' ? (a, b) => b.durationMs - a.durationMs || recent(a, b) : recent,
    );
    return matches.slice(0, query.limit);
  }

  /** One trace's summary and spans (in the order they arrived), or undefined when not held. */
  trace(traceId: string): { summary: TraceSummary; spans: SpanRecord[] } | undefined {
    const stored = this.traces.get(traceId);
    if (!stored) return undefined;
    return { summary: this.summary(traceId, stored), spans: [...stored.spans.values()] };
  }

  /** The spans `links` point to, those held. */
  linkedSpans(links: { traceId: string; spanId: string }[]): SpanRecord[] {
    const found = links.map((link) => this.traces.get(link.traceId)?.spans.get(link.spanId));
    return [...new Set(found.filter((span): span is SpanRecord => span !== undefined))];
  }

  /**
   * Spans of other traces with a link into `traceId` (an outbox relay's publish, a consumer's
   * process span). A scan: at the store's size it takes a millisecond or two, and an index would
   * have to follow every eviction.
   */
  linkedFrom(traceId: string): SpanRecord[] {
    const spans: SpanRecord[] = [];
    for (const [id, stored] of this.traces) {
      if (id === traceId) continue;
      for (const span of stored.spans.values()) {
        if (span.links.some((link) => link.traceId === traceId)) spans.push(span);
      }
    }
    return spans.sort((a, b) => startMs(a) - startMs(b));
  }

  /** The replicas seen of each of `services`, over every trace held. */
  instances(services: string[]): Record<string, string[]> {
    const seen = new Map(services.map((service) => [service, new Set<string>()]));
    for (const stored of this.traces.values()) {
      for (const span of stored.spans.values()) {
        if (span.instance !== null) seen.get(span.service)?.add(span.instance);
      }
    }
    return Object.fromEntries([...seen].map(([service, names]) => [service, [...names].sort()]));
  }

  stats(): ReceiverStatsResponse {
    return {
      traces: this.traces.size,
      spans: this.spanCount,
      limits: this.limits,
      evictedTraces: this.evicted,
      refusedSpans: this.refusedTotal,
    };
  }
}
