import { linkTo, TraceSketch } from './testing/span-record.builders';
import { TraceStore, type TraceQuery } from './trace.store';

const EVERYTHING: TraceQuery = { sort: 'recent', root: 'any', limit: 100 };

/** A request trace: a gateway SERVER root and a catalog child; `atMs` after the sketch epoch. */
function request(atMs: number, durationMs = 10, name = 'GET /api/v1/titles'): TraceSketch {
  const sketch = new TraceSketch();
  const root = sketch.root({
    name,
    atMs,
    durationMs,
    attributes: { 'http.route': name.split(' ')[1] ?? '' },
  });
  sketch.child(root, { service: 'catalog', kind: 'server', atMs: atMs + 1, durationMs: 1 });
  return sketch;
}

describe('the trace store', () => {
  it('lists traces most recent first, or slowest first, each summarised by its root', () => {
    const store = new TraceStore();
    const [early, slow, late] = [request(0, 5), request(10, 90), request(20, 30)];
    for (const sketch of [late, early, slow]) store.add(sketch.spans);
    expect(store.list(EVERYTHING).map((t) => t.traceId)).toEqual([
      late.traceId,
      slow.traceId,
      early.traceId,
    ]);
    const slowest = store.list({ ...EVERYTHING, sort: 'slowest' });
    expect(slowest.map((t) => t.traceId)).toEqual([slow.traceId, late.traceId, early.traceId]);
    expect(slowest[0]).toMatchObject({
      name: 'GET /api/v1/titles',
      service: 'gateway',
      kind: 'server',
      route: '/api/v1/titles',
      complete: true,
      durationMs: 90,
      spanCount: 2,
      services: ['gateway', 'catalog'],
      errorCount: 0,
    });
  });

  it('tells requests from background work, and filters by service, route and start', () => {
    const store = new TraceStore();
    const titles = request(0, 10, 'GET /api/v1/titles/:id');
    const login = request(50, 10, 'POST /api/v1/auth/login');
    const relay = new TraceSketch();
    relay.root({ name: 'outbox relay', service: 'users', kind: 'internal', atMs: 100 });
    for (const sketch of [titles, login, relay]) store.add(sketch.spans);
    const ids = (query: Partial<TraceQuery>) =>
      store.list({ ...EVERYTHING, ...query }).map((t) => t.traceId);
    expect(ids({ root: 'server' })).toEqual([login.traceId, titles.traceId]);
    expect(ids({})[0]).toBe(relay.traceId);
    expect(ids({ service: 'users' })).toEqual([relay.traceId]);
    expect(ids({ route: 'TITLES/:ID' })).toEqual([titles.traceId]);
    expect(ids({ sinceMs: Date.parse(store.list(EVERYTHING)[1]?.startTime ?? '') })).toEqual([
      relay.traceId,
      login.traceId,
    ]);
    expect(ids({ limit: 1 })).toEqual([relay.traceId]);
  });

  it('drops the oldest traces first once it holds too many traces or spans', () => {
    const store = new TraceStore({ maxTraces: 3, maxSpans: 5, maxSpansPerTrace: 5 });
    const sketches = [0, 1, 2, 3].map((at) => request(at));
    for (const sketch of sketches) store.add(sketch.spans);
    // Four traces of two spans: the span cap (5) leaves the two newest.
    expect(store.list(EVERYTHING).map((t) => t.traceId)).toEqual([
      sketches[3]?.traceId,
      sketches[2]?.traceId,
    ]);
    expect(store.stats()).toMatchObject({ traces: 2, spans: 4, evictedTraces: 2 });
    expect(store.trace(sketches[0]?.traceId ?? '')).toBeUndefined();

    const many = new TraceStore({ maxTraces: 2, maxSpans: 100, maxSpansPerTrace: 5 });
    for (const sketch of sketches) many.add(sketch.spans);
    expect(many.stats()).toMatchObject({ traces: 2, spans: 4 });
  });

  it('refuses spans past the per-trace cap, says so, and keeps a resent span once', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpans: 100, maxSpansPerTrace: 3 });
    const sketch = new TraceSketch();
    const root = sketch.root();
    for (let i = 0; i < 4; i++) sketch.child(root, { name: `step ${i}` });
    const outcome = store.add(sketch.spans);
    expect(outcome.refused).toBe(2);
    expect(outcome.message).toContain(`trace ${sketch.traceId} already holds 3 spans`);
    expect(store.add(sketch.spans.slice(0, 3)).refused).toBe(0);
    expect(store.stats()).toMatchObject({ spans: 3, refusedSpans: 2 });
  });

  it('takes a root past the per-trace cap: it arrives last and says what the trace was', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpans: 100, maxSpansPerTrace: 2 });
    const sketch = new TraceSketch();
    const root = sketch.root({ name: 'GET /api/v1/browse' });
    const children = [1, 2, 3].map((i) => sketch.child(root, { name: `step ${i}` }));
    expect(store.add([...children, root]).refused).toBe(1);
    expect(store.list(EVERYTHING)[0]).toMatchObject({ name: 'GET /api/v1/browse', spanCount: 3 });
  });

  it('roots a trace whose first span has not arrived at its earliest orphan, marked incomplete', () => {
    const store = new TraceStore();
    const sketch = new TraceSketch();
    const missing = sketch.root({ name: 'GET /api/v1/browse' });
    const server = sketch.child(missing, {
      name: 'Catalog/Browse',
      service: 'catalog',
      kind: 'server',
      atMs: 2,
    });
    sketch.child(server, { name: 'SELECT', service: 'catalog', kind: 'client', atMs: 3 });
    store.add(sketch.spans.slice(1));
    // Not a request yet: its root is a catalog SERVER span whose caller has not arrived.
    expect(store.list({ ...EVERYTHING, root: 'server' })).toEqual([]);
    expect(store.list(EVERYTHING)[0]).toMatchObject({
      name: 'Catalog/Browse',
      complete: false,
      spanCount: 2,
    });
    store.add([missing]);
    expect(store.list({ ...EVERYTHING, root: 'server' })).toHaveLength(1);
    expect(store.list(EVERYTHING)[0]).toMatchObject({
      name: 'GET /api/v1/browse',
      complete: true,
      spanCount: 3,
    });
  });

  it('finds the spans of other traces that link into a trace, and the spans its links name', () => {
    const store = new TraceStore();
    const change = request(0);
    const root = change.spans[0];
    if (!root) throw new Error('the request has no root');
    const relay = new TraceSketch();
    const publish = relay.root({
      name: 'catalog.titles.v1 publish',
      kind: 'producer',
      service: 'catalog',
      atMs: 30,
      links: [linkTo(root)],
    });
    const consumer = new TraceSketch();
    consumer.root({
      name: 'catalog.titles.v1 process',
      kind: 'consumer',
      atMs: 40,
      links: [linkTo(publish), linkTo(root)],
    });
    const unrelated = request(50);
    for (const sketch of [change, relay, consumer, unrelated]) store.add(sketch.spans);
    expect(store.linkedFrom(change.traceId).map((span) => span.name)).toEqual([
      'catalog.titles.v1 publish',
      'catalog.titles.v1 process',
    ]);
    expect(store.linkedFrom(unrelated.traceId)).toEqual([]);
    expect(store.linkedSpans(consumer.spans[0]?.links ?? []).map((span) => span.name)).toEqual([
      'catalog.titles.v1 publish',
      'GET /api/v1/titles',
    ]);
  });

  it('knows which replicas of a service it has seen', () => {
    const store = new TraceStore();
    const one = request(0);
    const two = new TraceSketch();
    two.root({ service: 'catalog', instance: 'catalog-2', kind: 'server' });
    store.add([...one.spans, ...two.spans]);
    expect(store.instances(['catalog', 'gateway'])).toEqual({
      catalog: ['catalog', 'catalog-2'],
      gateway: ['gateway'],
    });
  });
});
