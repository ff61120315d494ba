import type { SpanRecord, TraceResponse } from '../otlp/span-record.types';

export interface WaterfallStyle {
  /** Terminal columns; every line fits. */
  width: number;
  /** ANSI colours (a terminal without NO_COLOR). */
  colour: boolean;
}

const MIN_WIDTH = 60;
const SERVICE_COLOURS = [36, 33, 35, 32, 34, 94, 95, 96];

interface Row {
  span: SpanRecord;
  depth: number;
}

const ns = (text: string): bigint => BigInt(text);

/** Text from the network, safe for a terminal: control characters (escape sequences) replaced. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** `text` cut to `columns` characters, an ellipsis marking the cut. */
function fit(text: string, columns: number): string {
  if (columns <= 0) return '';
  return text.length <= columns ? text : `${text.slice(0, Math.max(0, columns - 1))}…`;
}

/** A duration as people read it: 0.42 ms, 42.3 ms, 1.23 s. */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Spans in tree order: each root (no parent here) by start, its children by start beneath it. */
function treeRows(spans: SpanRecord[], rootSpanId: string): Row[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const byStart = [...spans].sort((a, b) => {
    const [x, y] = [ns(a.startTimeUnixNano), ns(b.startTimeUnixNano)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const children = new Map<string, SpanRecord[]>();
  for (const span of byStart) {
    if (span.parentSpanId === null || !ids.has(span.parentSpanId)) continue;
    const siblings = children.get(span.parentSpanId);
    if (siblings) siblings.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const roots = byStart.filter((span) => span.parentSpanId === null || !ids.has(span.parentSpanId));
  roots.sort((a, b) => Number(b.spanId === rootSpanId) - Number(a.spanId === rootSpanId));
  const rows: Row[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanRecord, depth: number): void => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    rows.push({ span, depth });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  // Spans whose parents point round in a circle (only a broken sender does that) still show.
  for (const span of byStart) visit(span, 0);
  return rows;
}

/**
 * A span's name as a terminal line shows it: gRPC spans as `CatalogService/GetTitle` (the
 * instrumentation's `grpc.kinema.catalog.v1.CatalogService/GetTitle` leaves no room for the rest)
 * and a statement as `SQL` (pg names a prepared statement's span after the statement's name; the
 * text follows in the details). A database span with no statement, such as `pg-pool.connect`
 * (waiting for a pooled connection), keeps its own name.
 */
export function displayName(span: SpanRecord): string {
  const a = span.attributes;
  if (a['rpc.system'] === 'grpc' && typeof a['rpc.service'] === 'string' && a['rpc.method']) {
    return `${a['rpc.service'].split('.').pop()}/${String(a['rpc.method'])}`;
  }
  const database = a['db.system.name'] ?? a['db.system'];
  if (database !== undefined && (a['db.query.text'] ?? a['db.statement']) !== undefined)
    return 'SQL';
  return span.name;
}

function shortText(value: unknown, columns: number): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return fit(String(value).replace(/\s+/g, ' ').trim(), columns);
}

/** The attributes worth a glance, short: HTTP route and status, gRPC code, SQL, topic. */
function details(span: SpanRecord): string {
  const a = span.attributes;
  const parts: string[] = [];
  const route = shortText(a['http.route'], 40);
  if (route && !span.name.includes(route)) parts.push(route);
  const status = shortText(a['http.response.status_code'] ?? a['http.status_code'], 5);
  if (status) parts.push(status);
  const grpc = a['rpc.grpc.status_code'];
  if (typeof grpc === 'number' && grpc !== 0) parts.push(`grpc ${grpc}`);
  const sql = shortText(a['db.query.text'] ?? a['db.statement'], 48);
  if (sql) parts.push(sql);
  const topic = shortText(a['messaging.destination.name'], 40);
  if (topic && !span.name.includes(topic))
    parts.push(`${span.kind === 'consumer' ? '<-' : '->'} ${topic}`);
  return clean(parts.join('  '));
}

/**
 * The error a span reports: its status message, else its exception event's, else the gRPC
 * instrumentation's `grpc.error_message` (it sets no status message); none when the span says no
 * more than its status code, which its line shows already.
 */
function errorMessage(span: SpanRecord): string | undefined {
  if (span.status.message) return span.status.message;
  const exception = span.events.find((event) => event.name === 'exception');
  const message =
    exception?.attributes['exception.message'] ?? span.attributes['grpc.error_message'];
  return typeof message === 'string' && message !== '' ? message : undefined;
}

interface Layout {
  width: number;
  labelWidth: number;
  nameWidth: number;
  barWidth: number;
  /** The trace's time axis: its earliest start and latest end (ns). */
  t0: bigint;
  t1: bigint;
}

const DURATION_WIDTH = 9;

/** Columns of a span line: gutter (2), label, space, name, space, │bar│, space, duration. */
function layout(trace: TraceResponse, labels: string[], width: number): Layout {
  const starts = trace.spans.map((span) => ns(span.startTimeUnixNano));
  const ends = trace.spans.map((span) => ns(span.endTimeUnixNano));
  const t0 = starts.reduce((min, at) => (at < min ? at : min), ns(trace.summary.startTimeUnixNano));
  const t1 = ends.reduce((max, at) => (at > max ? at : max), t0 + 1n);
  const labelWidth = Math.min(16, Math.max(7, ...labels.map((text) => text.length)));
  const barWidth = Math.max(10, Math.min(60, Math.floor(width * 0.3)));
  const nameWidth = width - 2 - labelWidth - 1 - 1 - (barWidth + 2) - 1 - DURATION_WIDTH;
  return { width, labelWidth, nameWidth, barWidth, t0, t1 };
}

/** The cells of a span's bar: where it starts and ends on the trace's time axis. */
function barCells(span: SpanRecord, { t0, t1, barWidth }: Layout): { from: number; to: number } {
  const total = Number(t1 - t0);
  const at = (time: string) => (Number(ns(time) - t0) / total) * barWidth;
  const from = Math.min(barWidth - 1, Math.max(0, Math.floor(at(span.startTimeUnixNano))));
  const to = Math.min(barWidth, Math.max(from + 1, Math.ceil(at(span.endTimeUnixNano))));
  return { from, to };
}

/**
 * A trace as a waterfall for a terminal: a header, one line per span in tree order (service or
 * replica, name and key attributes indented by depth, a bar on the trace's time axis, duration),
 * errors and links under their span, then the spans of other traces that link into this one.
 */
export function renderWaterfall(
  trace: TraceResponse,
  linkedFrom: SpanRecord[],
  style: WaterfallStyle,
): string {
  const paint = (codes: string, text: string) =>
    style.colour && text ? `\u001b[${codes}m${text}\u001b[0m` : text;
  const palette = new Map<string, string>();
  const colourOf = (service: string): string => {
    let colour = palette.get(service);
    if (!colour) {
      colour = String(SERVICE_COLOURS[palette.size % SERVICE_COLOURS.length] ?? 36);
      palette.set(service, colour);
    }
    return colour;
  };
  // The replica is worth naming only when the service has several.
  const label = (span: SpanRecord): string => {
    const service = clean(span.service);
    if ((trace.instances[span.service] ?? []).length < 2 || span.instance === null) return service;
    const instance = clean(span.instance);
    return instance.startsWith(service) ? instance : `${service}/${instance}`;
  };
  const { summary } = trace;
  const rows = treeRows(trace.spans, summary.rootSpanId);
  const box = layout(
    trace,
    rows.map((row) => label(row.span)),
    Math.max(MIN_WIDTH, style.width),
  );
  const { width, labelWidth, nameWidth, barWidth } = box;
  const totalMs = Number(box.t1 - box.t0) / 1e6;
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

  const lines = [
    paint('1', fit(`Trace ${summary.traceId}`, width)) +
      (width >= 38 + 2 + 32 ? `  started ${summary.startTime}` : ''),
    fit(
      `${clean(summary.name)} (${clean(summary.service)})  ${formatDuration(summary.durationMs)}  ` +
        `${plural(summary.spanCount, 'span')}` +
        (summary.errorCount > 0 ? `  ${plural(summary.errorCount, 'error')}` : ''),
      width,
    ),
    fit(`Services: ${summary.services.map(clean).join(', ')}`, width),
    ...(summary.complete
      ? []
      : [
          fit(
            'Incomplete: the span that began this trace has not arrived; this is what has.',
            width,
          ),
        ]),
    '',
  ];
  // The time axis above the bars: 0 over the first cell, the trace's extent over the last.
  const extent = formatDuration(totalMs);
  lines.push(
    ' '.repeat(width - barWidth - 3 - DURATION_WIDTH + 1) +
      `0${' '.repeat(Math.max(1, barWidth - 1 - extent.length))}${extent}`,
  );

  const under = (depth: number, text: string) => {
    const indent = 2 + labelWidth + 1 + Math.min(depth * 2, 24) + 2;
    return `${' '.repeat(indent)}${fit(text, width - indent)}`;
  };
  for (const { span, depth } of rows) {
    const failed = span.status.code === 'error';
    const base = `${' '.repeat(Math.min(depth * 2, 24))}${clean(displayName(span))}`;
    const extra = details(span);
    const name = fit(extra ? `${base}  ${extra}` : base, nameWidth);
    const named =
      name.length > base.length
        ? name.slice(0, base.length) + paint('2', name.slice(base.length))
        : name;
    const { from, to } = barCells(span, box);
    const filled = paint(failed ? '31' : colourOf(span.service), '█'.repeat(to - from));
    lines.push(
      `${failed ? paint('31', '✗') : ' '} ` +
        `${paint(colourOf(span.service), fit(label(span), labelWidth).padEnd(labelWidth))} ` +
        `${named}${' '.repeat(nameWidth - name.length)} ` +
        `│${' '.repeat(from)}${filled}${' '.repeat(barWidth - to)}│ ` +
        formatDuration(span.durationMs).padStart(DURATION_WIDTH),
    );
    const message = failed ? errorMessage(span) : undefined;
    if (message) lines.push(paint('31', under(depth, `error: ${clean(message)}`)));
    for (const link of span.links) {
      const target = trace.linkedSpans.find(
        (candidate) => candidate.traceId === link.traceId && candidate.spanId === link.spanId,
      );
      const what = target ? `: ${label(target)} ${clean(target.name)}` : ' (not held here)';
      lines.push(under(depth, `↪ links to trace ${link.traceId}${what}`));
    }
  }

  if (linkedFrom.length > 0) {
    lines.push('', fit('Linked from (spans of other traces with a link to this one):', width));
    for (const span of linkedFrom) {
      const after = Number(ns(span.startTimeUnixNano) - box.t0) / 1e6;
      const when =
        after >= 0
          ? `${formatDuration(after)} after this began`
          : `${formatDuration(-after)} before`;
      lines.push(
        fit(
          `  trace ${span.traceId}  ${label(span)}  ${clean(displayName(span))} (${span.kind}, ${when})`,
          width,
        ),
      );
    }
  }
  return lines.join('\n');
}
