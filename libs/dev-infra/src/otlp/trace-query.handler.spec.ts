import type { TraceListResponse, TraceResponse } from './span-record.types';
import { linkTo, TraceSketch } from './testing/span-record.builders';
import { TraceStore } from './trace.store';
import { answerTraceQuery } from './trace-query.handler';
import { parseDuration, parseTraceId } from './trace-query.params';

function storeWithRequestAndRelay(): {
  store: TraceStore;
  request: TraceSketch;
  relay: TraceSketch;
} {
  const store = new TraceStore();
  const request = new TraceSketch();
  const root = request.root({ name: 'PATCH /api/v1/titles/:id' });
  request.child(root, { service: 'catalog', instance: 'catalog-2', kind: 'server', atMs: 1 });
  const relay = new TraceSketch();
  relay.root({
    name: 'catalog.titles.v1 publish',
    kind: 'producer',
    service: 'catalog',
    atMs: 20,
    links: [linkTo(root)],
  });
  store.add([...request.spans, ...relay.spans]);
  return { store, request, relay };
}

const get = (store: TraceStore, path: string, query = '') =>
  answerTraceQuery(store, path, new URLSearchParams(query), Date.UTC(2026, 0, 2, 3, 10));

describe('the query API', () => {
  it('lists traces with the filters it is given', () => {
    const { store, request } = storeWithRequestAndRelay();
    const answer = get(store, '/api/traces', 'root=server&service=catalog&sort=slowest&limit=5');
    expect(answer.status).toBe(200);
    expect((answer.body as TraceListResponse).traces.map((t) => t.traceId)).toEqual([
      request.traceId,
    ]);
    const recent = get(store, '/api/traces', 'since=10m').body as TraceListResponse;
    expect(recent.traces).toHaveLength(2);
    expect((get(store, '/api/traces', 'since=1m').body as TraceListResponse).traces).toEqual([]);
  });

  it('answers one trace with its spans, the spans its links name, and the replicas seen', () => {
    const { store, request, relay } = storeWithRequestAndRelay();
    const relayTrace = get(store, `/api/traces/${relay.traceId.toUpperCase()}`)
      .body as TraceResponse;
    expect(relayTrace.summary.name).toBe('catalog.titles.v1 publish');
    expect(relayTrace.linkedSpans.map((span) => span.spanId)).toEqual([request.spans[0]?.spanId]);
    const requestTrace = get(store, `/api/traces/${request.traceId}`).body as TraceResponse;
    expect(requestTrace.spans).toHaveLength(2);
    // The relay's span came from the first catalog replica: both are known.
    expect(requestTrace.instances).toEqual({
      gateway: ['gateway'],
      catalog: ['catalog', 'catalog-2'],
    });
    expect(get(store, `/api/traces/${request.traceId}/linked-from`)).toEqual({
      status: 200,
      body: { spans: relay.spans },
    });
  });

  it('answers a bad trace id with 400, an unknown one with 404, each saying why', () => {
    const { store } = storeWithRequestAndRelay();
    expect(get(store, '/api/traces/not-an-id')).toMatchObject({
      status: 400,
      body: {
        status: 400,
        detail: '"not-an-id" is not a trace id: 32 hexadecimal digits, not all zero',
      },
    });
    expect(get(store, `/api/traces/${'0'.repeat(32)}`).status).toBe(400);
    expect(get(store, '/api/traces/%E0%A4%A')).toMatchObject({ status: 400 });
    expect(get(store, `/api/traces/${'ab'.repeat(16)}/linked-from`)).toMatchObject({
      status: 404,
      body: {
        title: 'Not Found',
        detail: expect.stringContaining(`no trace ${'ab'.repeat(16)} here`),
      },
    });
    expect(get(store, '/api/spans').status).toBe(404);
  });

  it('refuses list parameters that are unknown or out of range, naming them', () => {
    const { store } = storeWithRequestAndRelay();
    const detail = (query: string) => {
      const answer = get(store, '/api/traces', query);
      return answer.status === 400 ? answer.body.detail : `answered ${answer.status}`;
    };
    expect(detail('sort=fastest')).toBe('sort must be one of recent, slowest, got "fastest"');
    expect(detail('root=all')).toBe('root must be one of server, any, got "all"');
    expect(detail('limit=0')).toBe('limit must be a whole number from 1 to 500, got "0"');
    expect(detail('limit=1e2')).toMatch(/^limit must be a whole number/);
    expect(detail('since=yesterday')).toMatch(/^"yesterday" is not a duration/);
    expect(detail('service=')).toBe('service must be 1 to 200 characters');
    expect(detail('colour=red')).toMatch(/^unknown parameter "colour"/);
  });

  it('reads durations and trace ids as the CLI passes them', () => {
    expect([
      parseDuration('500ms'),
      parseDuration('30s'),
      parseDuration('10m'),
      parseDuration('2h'),
    ]).toEqual([500, 30_000, 600_000, 7_200_000]);
    expect(() => parseDuration('10')).toThrow('"10" is not a duration');
    expect(parseTraceId('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(() => parseTraceId('4bf92f3577b34da6a3ce929d0e0e473')).toThrow('is not a trace id');
  });
});
