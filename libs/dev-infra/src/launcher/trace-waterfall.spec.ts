import type { TraceResponse } from '../otlp/span-record.types';
import { linkTo, TraceSketch } from '../otlp/testing/span-record.builders';
import { TraceStore } from '../otlp/trace.store';
import { answerTraceQuery } from '../otlp/trace-query.handler';
import { displayName, renderWaterfall } from './trace-waterfall';

const PLAIN = { width: 120, colour: false };

/**
 * A title update as the services would trace it, and the outbox relay's publish linking back to
 * it: gateway -> catalog (a second replica) -> SQL that fails, then the relay's trace.
 */
function titleUpdate() {
  const request = new TraceSketch();
  const root = request.root({
    name: 'PATCH /api/v1/titles/:id',
    durationMs: 40,
    attributes: { 'http.route': '/api/v1/titles/:id', 'http.response.status_code': 500 },
  });
  const call = request.child(root, {
    name: 'kinema.catalog.v1.Titles/UpdateTitle',
    kind: 'client',
    atMs: 2,
    durationMs: 30,
    attributes: { 'rpc.grpc.status_code': 13 },
  });
  const server = request.child(call, {
    name: 'kinema.catalog.v1.Titles/UpdateTitle',
    service: 'catalog',
    instance: 'catalog-2',
    kind: 'server',
    atMs: 4,
    durationMs: 26,
  });
  request.child(server, {
    name: 'UPDATE kinema_catalog',
    service: 'catalog',
    instance: 'catalog-2',
    kind: 'client',
    atMs: 6,
    durationMs: 3,
    error: 'deadlock detected',
    attributes: { 'db.query.text': 'UPDATE titles\n   SET name = $1 WHERE id = $2' },
  });
  const relay = new TraceSketch();
  relay.root({
    name: 'catalog.titles.v1 publish',
    service: 'catalog',
    kind: 'producer',
    atMs: 60,
    durationMs: 2,
    links: [linkTo(root)],
    attributes: { 'messaging.destination.name': 'catalog.titles.v1' },
  });
  const store = new TraceStore();
  store.add([...request.spans, ...relay.spans]);
  const read = (traceId: string) =>
    answerTraceQuery(store, `/api/traces/${traceId}`, new URLSearchParams()).body as TraceResponse;
  return { store, request, relay, read };
}

describe('the trace waterfall', () => {
  it('draws the header and every span in tree order, indented by depth', () => {
    const { store, request, read } = titleUpdate();
    const text = renderWaterfall(read(request.traceId), store.linkedFrom(request.traceId), PLAIN);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`Trace ${request.traceId}  started 2026-01-02T03:04:05.000Z`);
    expect(lines[1]).toMatch(
      /^PATCH \/api\/v1\/titles\/:id \(gateway\) {2}40\.0 ms {2}4 spans {2}1 error$/,
    );
    expect(lines[2]).toBe('Services: gateway, catalog');
    const names = [
      'PATCH /api/v1/titles/:id',
      'kinema.catalog.v1.Titles/UpdateTitle',
      'kinema.catalog.v1.Titles/UpdateTitle',
      'UPDATE kinema_catalog',
    ];
    const spanLines = names.map((name, depth) =>
      lines.findIndex((line, at) => at > 3 && line.includes(`${'  '.repeat(depth)}${name}`)),
    );
    expect(spanLines.every((at) => at > 3)).toBe(true);
    expect([...spanLines].sort((a, b) => a - b)).toEqual(spanLines);
    expect(lines[spanLines[3] ?? 0]).toMatch(
      /^✗ catalog-2 {7}UPDATE kinema_catalog {2}UPDATE titles SET name = \$1 W/,
    );
  });

  it('places each bar on the trace time axis, with its duration', () => {
    const { store, request, read } = titleUpdate();
    const lines = renderWaterfall(
      read(request.traceId),
      store.linkedFrom(request.traceId),
      PLAIN,
    ).split('\n');
    const bar = (name: string) => {
      const line =
        lines.find((candidate) => candidate.includes(name) && candidate.includes('│')) ?? '';
      const cells = line.slice(line.indexOf('│') + 1, line.lastIndexOf('│'));
      return {
        start: cells.indexOf('█'),
        length: cells.split('█').length - 1,
        width: cells.length,
        line,
      };
    };
    const root = bar('PATCH');
    expect(root).toMatchObject({ start: 0, length: root.width });
    expect(root.line).toMatch(/│ +40\.0 ms$/);
    const sql = bar('UPDATE kinema');
    // 6 ms into a 40 ms trace, for 3 ms.
    expect(sql.start).toBe(Math.floor((6 / 40) * sql.width));
    expect(sql.length).toBeGreaterThanOrEqual(1);
    expect(sql.length).toBeLessThanOrEqual(Math.ceil((3 / 40) * sql.width) + 1);
    expect(sql.line).toMatch(/3\.0 ms$/);
  });

  it('marks errors with their message, and names a replica when its service has several', () => {
    const { store, request, read } = titleUpdate();
    const text = renderWaterfall(read(request.traceId), store.linkedFrom(request.traceId), PLAIN);
    expect(text).toMatch(/\n {8,}error: deadlock detected\n/);
    expect(text).toContain('500');
    expect(text).toContain('grpc 13');
    // The relay's span came from the first catalog replica: two are known, so each is named.
    expect(text).toMatch(/\n {2}catalog-2 + {2}kinema\.catalog\.v1\.Titles\/UpdateTitle/);
  });

  it("gives a failed gRPC call the instrumentation's message, and a span that says nothing more no error line", () => {
    const login = new TraceSketch();
    const root = login.root({
      name: 'POST /api/v1/auth/login',
      error: '',
      attributes: { 'http.response.status_code': 503, 'error.type': '503' },
    });
    login.child(root, {
      name: 'grpc.kinema.users.v1.UsersService/Login',
      kind: 'client',
      error: '',
      attributes: {
        'rpc.grpc.status_code': 14,
        'grpc.error_message': '14 UNAVAILABLE: Connection dropped',
      },
    });
    const store = new TraceStore();
    store.add(login.spans);
    const trace = answerTraceQuery(store, `/api/traces/${login.traceId}`, new URLSearchParams())
      .body as TraceResponse;
    const lines = renderWaterfall(trace, [], PLAIN).split('\n');
    expect(lines.filter((line) => line.trim().startsWith('error:')).map((l) => l.trim())).toEqual([
      'error: 14 UNAVAILABLE: Connection dropped',
    ]);
    expect(lines.filter((line) => line.includes('✗'))).toHaveLength(2);
  });

  it('shows the spans of other traces that link here, and links under the span that has them', () => {
    const { store, request, relay, read } = titleUpdate();
    const text = renderWaterfall(read(request.traceId), store.linkedFrom(request.traceId), PLAIN);
    expect(text).toContain('Linked from (spans of other traces with a link to this one):');
    expect(text).toMatch(
      new RegExp(
        `\\n  trace ${relay.traceId}  catalog  catalog\\.titles\\.v1 publish \\(producer, 60\\.0 ms after this began\\)$`,
      ),
    );
    const relayText = renderWaterfall(read(relay.traceId), store.linkedFrom(relay.traceId), PLAIN);
    const lines = relayText.split('\n');
    const publish = lines.findIndex(
      (line) => line.includes('catalog.titles.v1 publish') && line.includes('│'),
    );
    expect(lines[publish + 1]).toMatch(
      new RegExp(`^ +↪ links to trace ${request.traceId}: gateway PATCH /api/v1/titles/:id$`),
    );
    expect(relayText).not.toContain('Linked from');
  });

  it('fits the width it is given, and colours only when asked', () => {
    const { store, request, read } = titleUpdate();
    for (const width of [60, 80, 200]) {
      const lines = renderWaterfall(read(request.traceId), store.linkedFrom(request.traceId), {
        width,
        colour: false,
      }).split('\n');
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(width);
    }
    expect(
      renderWaterfall(read(request.traceId), [], { width: 20, colour: false })
        .split('\n')
        .every((line) => line.length <= 60),
    ).toBe(true);
    const coloured = renderWaterfall(read(request.traceId), [], { width: 100, colour: true });
    // eslint-disable-next-line no-control-regex
    const visible = coloured.replace(/\u001b\[[0-9;]*m/g, '');
    expect(coloured).not.toBe(visible);
    expect(visible).toBe(renderWaterfall(read(request.traceId), [], { width: 100, colour: false }));
  });

  it('keeps escape sequences a sender put in a span name out of the terminal', () => {
    const sketch = new TraceSketch();
    sketch.root({ name: 'GET /\u001b]0;owned\u0007\u001b[2J' });
    const store = new TraceStore();
    store.add(sketch.spans);
    const response = answerTraceQuery(store, `/api/traces/${sketch.traceId}`, new URLSearchParams())
      .body as TraceResponse;
    const text = renderWaterfall(response, [], PLAIN);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('GET /?]0;owned??[2J');
  });

  it('draws a trace whose root has not arrived, its orphans at the top level', () => {
    const sketch = new TraceSketch();
    const missing = sketch.root({ name: 'GET /api/v1/browse' });
    const orphan = sketch.child(missing, {
      name: 'Catalog/Browse',
      service: 'catalog',
      kind: 'server',
      atMs: 1,
    });
    sketch.child(orphan, {
      name: 'SELECT kinema_catalog',
      service: 'catalog',
      kind: 'client',
      atMs: 2,
    });
    const store = new TraceStore();
    store.add(sketch.spans.slice(1));
    const response = answerTraceQuery(store, `/api/traces/${sketch.traceId}`, new URLSearchParams())
      .body as TraceResponse;
    const text = renderWaterfall(response, [], PLAIN);
    expect(text).toContain('Incomplete: the span that began this trace has not arrived');
    expect(text).toMatch(/\n {2}catalog +Catalog\/Browse/);
    expect(text).toMatch(/\n {2}catalog + {2}SELECT kinema_catalog/);
  });
});

describe('span names on a terminal line', () => {
  it('shortens gRPC calls to service/method and names statements SQL, keeping other names', () => {
    const sketch = new TraceSketch();
    const root = sketch.root({ name: 'GET /api/v1/titles' });
    const grpc = sketch.child(root, {
      name: 'grpc.kinema.catalog.v1.CatalogService/ListTitles',
      kind: 'client',
      attributes: {
        'rpc.system': 'grpc',
        'rpc.service': 'kinema.catalog.v1.CatalogService',
        'rpc.method': 'ListTitles',
      },
    });
    const sql = sketch.child(grpc, {
      name: 'pg.query:kinema_OqIwxQHgvWX3NIx5TPMEGo53m1d postgres',
      kind: 'client',
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT 1' },
    });
    const connect = sketch.child(grpc, {
      name: 'pg-pool.connect',
      kind: 'client',
      attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'postgres' },
    });
    expect(displayName(grpc)).toBe('CatalogService/ListTitles');
    expect(displayName(sql)).toBe('SQL');
    // Waiting for a pooled connection is not a statement.
    expect(displayName(connect)).toBe('pg-pool.connect');
    expect(displayName(root)).toBe('GET /api/v1/titles');
  });
});
