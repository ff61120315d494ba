import { randomBytes } from 'node:crypto';
import type { Attributes, SpanKindName, SpanLinkRecord, SpanRecord } from '../span-record.types';

/** Where every sketched trace starts unless told otherwise: 2026-01-02T03:04:05Z. */
export const SKETCH_EPOCH_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

export interface SpanSketch {
  name?: string;
  service?: string;
  instance?: string | null;
  kind?: SpanKindName;
  /** Start, in ms after the trace's start. */
  atMs?: number;
  durationMs?: number;
  attributes?: Attributes;
  links?: SpanLinkRecord[];
  /** A status of ERROR with this message ('': none, as instrumentations often leave it). */
  error?: string;
  /** The parent's span id when it is not in the sketch (a part whose parent has not arrived). */
  parentSpanId?: string;
}

function nanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/** A trace drawn span by span: `root` then `child`ren, each a complete SpanRecord. */
export class TraceSketch {
  readonly traceId = newTraceId();
  readonly spans: SpanRecord[] = [];

  constructor(private readonly startMs = SKETCH_EPOCH_MS) {}

  root(sketch: SpanSketch = {}): SpanRecord {
    return this.add(sketch, sketch.parentSpanId ?? null);
  }

  child(parent: SpanRecord, sketch: SpanSketch = {}): SpanRecord {
    return this.add(sketch, parent.spanId);
  }

  private add(sketch: SpanSketch, parentSpanId: string | null): SpanRecord {
    const start = this.startMs + (sketch.atMs ?? 0);
    const duration = sketch.durationMs ?? 10;
    const service = sketch.service ?? 'gateway';
    const instance = sketch.instance === undefined ? service : sketch.instance;
    const span: SpanRecord = {
      traceId: this.traceId,
      spanId: newSpanId(),
      parentSpanId,
      name: sketch.name ?? 'GET /api/v1/titles',
      kind: sketch.kind ?? (parentSpanId === null ? 'server' : 'internal'),
      service,
      instance,
      startTimeUnixNano: nanos(start),
      endTimeUnixNano: nanos(start + duration),
      durationMs: duration,
      attributes: sketch.attributes ?? {},
      events: [],
      links: sketch.links ?? [],
      status:
        sketch.error !== undefined
          ? { code: 'error', message: sketch.error }
          : { code: 'unset', message: '' },
      resource: {
        'service.name': service,
        ...(instance === null ? {} : { 'service.instance.id': instance }),
      },
      scope: { name: '@kinema/test', version: null },
    };
    this.spans.push(span);
    return span;
  }
}

/** A link to `span`, as a consumer or an outbox relay makes one. */
export function linkTo(span: SpanRecord, attributes: Attributes = {}): SpanLinkRecord {
  return { traceId: span.traceId, spanId: span.spanId, attributes };
}
