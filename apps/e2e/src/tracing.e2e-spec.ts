import {
  controlSocketPath,
  decodeTraceRequestJson,
  decodeTraceRequestProtobuf,
  gatewayEventsJoined,
  serveControlSocket,
  spanRecords,
  TRACE_LIST_LIMIT,
  TraceQueryClient,
  type SpanRecord,
} from '@kinema/dev-infra';
import { TRACE_ID_HEADER, TRACE_RESPONSE_HEADER } from '@kinema/contracts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Server as SocketServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Client } from './support/accounts';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';

const KINEMA = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/kinema.js');
const run = promisify(execFile);

let system: TestSystem;
let api: string;
let admin: Client;
let traces: TraceQueryClient;
let receiverUrl: string;
/** Where `kinema` finds this system's launcher, as it finds `npm start`'s. */
let dataDir: string;
let control: SocketServer | undefined;

/** A W3C traceparent of a caller's own, sampled: the trace the request must join. */
function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The trace's spans once `complete` holds of them (spans of several processes arrive apart). */
async function spansOf(
  traceId: string,
  complete: (spans: SpanRecord[]) => boolean,
): Promise<SpanRecord[]> {
  return eventually(async () => {
    const { spans } = await traces.trace(traceId);
    expect(complete(spans)).toBe(true);
    return spans;
  }, 30_000);
}

/** Whether `span` sits under the span `ancestorId` in its trace. */
function descendsFrom(span: SpanRecord, ancestorId: string, spans: SpanRecord[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let parent = span.parentSpanId; parent; parent = byId.get(parent)?.parentSpanId ?? null) {
    if (parent === ancestorId) return true;
  }
  return false;
}

const isGatewayServer = (span: SpanRecord) => span.service === 'gateway' && span.kind === 'server';
const isCatalogServer = (method: string) => (span: SpanRecord) =>
  span.service === 'catalog' && span.kind === 'server' && span.name.endsWith(`/${method}`);
const isSql = (span: SpanRecord) => span.attributes['db.system.name'] === 'postgresql';

/** The spans of other traces that link into this one, once `expected` are all among them. */
async function linkedFrom(traceId: string, expected: Array<(span: SpanRecord) => boolean>) {
  return eventually(async () => {
    const { spans } = await traces.linkedFrom(traceId);
    for (const matches of expected) expect(spans.some(matches)).toBe(true);
    return spans;
  }, 30_000);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kinema-tracing-'));
  system = await startTestSystem(20, {}, { dataDir });
  control = await serveControlSocket(controlSocketPath(dataDir), system, () => () => undefined);
  api = `${system.gatewayUrl}/api/v1`;
  const destination = system.traces();
  if (destination.kind !== 'embedded') throw new Error('the test system must collect its traces');
  receiverUrl = destination.url;
  traces = new TraceQueryClient(receiverUrl);
  admin = new Client(api);
  await admin.signIn(system.plan.admin);
}, 180_000);

afterAll(async () => {
  control?.close();
  await system?.dispose();
});

describe('the first start', () => {
  it("traces the seed job's sends of the demo titles' events, and not its thousand writes", async () => {
    const serving = system.supervisor.running.find((process) => process.spec.name === 'catalog');
    // The job is the catalog's code in a process of its own, run before the catalog.
    const ofTheJob = (span: SpanRecord) => span.resource['process.pid'] !== serving?.pid;
    const catalogTraces = async () =>
      (await traces.list({ service: 'catalog', limit: String(TRACE_LIST_LIMIT.max) })).traces;
    const spans = await eventually(async () => {
      const publishes = (await catalogTraces()).filter((trace) => trace.name === 'outbox publish');
      const all = (await Promise.all(publishes.map((t) => traces.trace(t.traceId)))).flatMap(
        (trace) => trace.spans,
      );
      expect(all.some((span) => span.name === 'outbox publish' && ofTheJob(span))).toBe(true);
      return all.filter(ofTheJob);
    }, 30_000);
    const publishes = spans.filter((span) => span.name === 'outbox publish');
    // Every demo title's TitleCreated at least, each batch sent to Kafka under its publish span.
    const sent = publishes.reduce(
      (total, span) => total + Number(span.attributes['messaging.batch.message_count']),
      0,
    );
    expect(sent).toBeGreaterThanOrEqual(20);
    for (const publish of publishes) {
      expect(spans).toContainEqual(
        expect.objectContaining({
          name: 'send catalog.titles.v1',
          kind: 'producer',
          parentSpanId: publish.spanId,
        }),
      );
    }
    // Seeding itself is untraced: no create span (and its SQL) for each event.
    expect((await catalogTraces()).filter((trace) => trace.name.startsWith('create '))).toEqual([]);
  });
});

describe('one trace per request', () => {
  it('joins the trace of the caller, from the gateway through gRPC to the SQL, and names it in the answer and the logs', async () => {
    // Request lines are logged at info.
    await system.restart('gateway', { LOG_LEVEL: 'info' });
    const caller = callerContext();
    const answer = await fetch(`${api}/titles?limit=5`, {
      headers: { traceparent: caller.traceparent },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get(TRACE_ID_HEADER)).toBe(caller.traceId);
    expect(answer.headers.get(TRACE_RESPONSE_HEADER)).toMatch(
      new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-01$`),
    );

    const spans = await spansOf(
      caller.traceId,
      (all) =>
        all.some(isGatewayServer) && all.some(isCatalogServer('ListTitles')) && all.some(isSql),
    );
    const gateway = spans.find(isGatewayServer);
    expect(gateway).toMatchObject({
      name: 'GET /api/v1/titles',
      parentSpanId: caller.spanId,
      instance: 'gateway',
      attributes: expect.objectContaining({ 'http.route': '/api/v1/titles' }),
    });
    const catalog = spans.find(isCatalogServer('ListTitles'));
    expect(catalog?.instance).toBe('catalog');
    expect(descendsFrom(catalog as SpanRecord, gateway?.spanId ?? '', spans)).toBe(true);
    // The call between them names the service it went to, and says nothing it does not know:
    // the launcher's replicas have no one port.
    const call = spans.find((span) => span.service === 'gateway' && span.kind === 'client');
    expect(call?.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.method': 'ListTitles',
      'server.address': 'catalog',
    });
    expect(call?.attributes).not.toHaveProperty('server.port');
    const sql = spans.filter(isSql);
    expect(sql.length).toBeGreaterThan(0);
    for (const query of sql) {
      expect(descendsFrom(query, catalog?.spanId ?? '', spans)).toBe(true);
    }
    expect(answer.headers.get(TRACE_RESPONSE_HEADER)?.split('-')[2]).toBe(gateway?.spanId);

    const requestId = answer.headers.get('x-request-id');
    const lines = system.logs
      .filter((line) => line.startsWith('gateway ') && line.includes(`"requestId":"${requestId}"`))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line['trace_id']).toBe(caller.traceId);
    expect(lines.some((line) => line['msg'] === 'request')).toBe(true);
  });

  it('draws that trace with `kinema trace`, as a user reads it', async () => {
    const caller = callerContext();
    await fetch(`${api}/titles/${(await firstTitle()).id}`, {
      headers: { traceparent: caller.traceparent },
    });
    await spansOf(
      caller.traceId,
      (all) => all.some(isCatalogServer('GetTitle')) && all.some(isSql),
    );
    const { stdout } = await run(process.execPath, [
      KINEMA,
      'trace',
      caller.traceId,
      '--url',
      receiverUrl,
    ]);
    expect(stdout).toContain(`Trace ${caller.traceId}`);
    expect(stdout).toMatch(/gateway +GET \/api\/v1\/titles\/:id +200/);
    expect(stdout).toMatch(/gateway +CatalogService\/GetTitle/);
    expect(stdout).toMatch(/catalog +CatalogService\/GetTitle/);
    expect(stdout).toMatch(/catalog +SQL +SELECT/);
  });
});

describe('`kinema trace last`, run right after a request', () => {
  it('draws that request whole: every process exports the spans its batch holds first', async () => {
    // A page no one asked for yet: a miss, answered through gRPC by the catalog.
    const answer = await fetch(`${api}/titles?limit=7`);
    await answer.text();
    const traceId = answer.headers.get(TRACE_ID_HEADER);
    // At once, as a user types it: the batches would otherwise wait up to a second (the
    // launcher's OTEL_BSP_SCHEDULE_DELAY), and `last` would be an earlier request.
    const { stdout, stderr } = await run(process.execPath, [
      KINEMA,
      'trace',
      'last',
      '--data-dir',
      dataDir,
    ]);
    expect(stderr).toBe('');
    expect(stdout).toContain(`Trace ${traceId}`);
    expect(stdout).toMatch(/gateway +GET \/api\/v1\/titles +200/);
    expect(stdout).toMatch(/gateway +CatalogService\/ListTitles/);
    expect(stdout).toMatch(/catalog +CatalogService\/ListTitles/);
  });
});

async function firstTitle(): Promise<{ id: string; name: string }> {
  const list = await request<{ items: Array<{ id: string; name: string }> }>(
    api,
    '/titles?limit=1',
  );
  const [title] = list.body.items;
  if (!title) throw new Error('the demo catalog has no title');
  return title;
}

describe('the path of an event, linked to the change that caused it', () => {
  it('an admin edit: the publish span of the relay and the consumer of the gateway link to the request', async () => {
    await gatewayEventsJoined(system.gatewayUrl);
    const title = await firstTitle();
    const current = await admin.call('GET', `/titles/${title.id}`);
    const caller = callerContext();
    const patched = await admin.call('PATCH', `/titles/${title.id}`, {
      body: { name: `${title.name} (traced)` },
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': String(current.headers.get('etag')),
        traceparent: caller.traceparent,
      },
    });
    expect(patched.status).toBe(200);

    const spans = await spansOf(caller.traceId, (all) =>
      all.some((span) => span.name === 'create catalog.titles.v1'),
    );
    const create = spans.find((span) => span.name === 'create catalog.titles.v1') as SpanRecord;
    expect(create).toMatchObject({ service: 'catalog', kind: 'producer' });
    expect(
      descendsFrom(create, spans.find(isCatalogServer('PatchTitle'))?.spanId ?? '', spans),
    ).toBe(true);
    const linksToCreate = (span: SpanRecord) =>
      span.links.some((link) => link.traceId === caller.traceId && link.spanId === create.spanId);
    const linking = await linkedFrom(caller.traceId, [
      (span) => span.service === 'catalog' && span.name === 'outbox publish' && linksToCreate(span),
      (span) =>
        span.service === 'gateway' &&
        span.kind === 'consumer' &&
        span.name === 'process catalog.titles.v1' &&
        linksToCreate(span),
    ]);
    // What the gateway did with the event: its cache and its WebSocket clients.
    const consumer = linking.find((span) => span.service === 'gateway') as SpanRecord;
    const eventSpans = await spansOf(consumer.traceId, (all) =>
      ['catalog cache invalidate', 'ws fan-out'].every((name) =>
        all.some((span) => span.name === name && span.parentSpanId === consumer.spanId),
      ),
    );
    expect(eventSpans.find((span) => span.name === 'outbox publish')?.service).toBe('catalog');
  });

  it('a viewer reporting progress: the trending consumer of the catalog links to that request', async () => {
    const viewer = new Client(api);
    const account = await viewer.register();
    const title = await firstTitle();
    const caller = callerContext();
    const saved = await viewer.call(
      'PUT',
      `/me/profiles/${account.profileId}/progress/${title.id}`,
      {
        body: { positionSeconds: 600, durationSeconds: 3600 },
        headers: { traceparent: caller.traceparent },
      },
    );
    expect(saved.status).toBe(200);
    const linking = await linkedFrom(caller.traceId, [
      (span) => span.service === 'users' && span.name === 'outbox publish',
      (span) =>
        span.service === 'catalog' &&
        span.kind === 'consumer' &&
        span.name === 'process users.playback.v1',
    ]);
    const trending = linking.find((span) => span.service === 'catalog') as SpanRecord;
    expect(trending.attributes['messaging.consumer.group.name']).toMatch(/trending/);
    // Its handler's SQL (the processed-event mark and the count) runs under it.
    await spansOf(trending.traceId, (all) =>
      all.some((span) => isSql(span) && descendsFrom(span, trending.spanId, all)),
    );
  });
});

describe('an OTLP endpoint of your own', () => {
  let receiver: Server;
  const received: Array<{ contentType: string; spans: SpanRecord[] }> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const contentType = String(req.headers['content-type']);
        const decoded = contentType.startsWith('application/json')
          ? decodeTraceRequestJson(body.toString('utf8'))
          : decodeTraceRequestProtobuf(body);
        received.push({ contentType, spans: spanRecords(decoded) });
        res
          .writeHead(200, { 'content-type': contentType })
          .end(contentType.includes('json') ? '{}' : '');
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  });
  afterAll(() => new Promise<void>((done) => receiver.close(() => done())));

  it.each([
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ])('sends the same spans there over %s', async (protocol, contentType) => {
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol };
    await system.restart('catalog', env);
    await system.restart('gateway', env);
    const caller = callerContext();
    const answer = await fetch(`${api}/titles?limit=3&sort=newest`, {
      headers: { traceparent: caller.traceparent },
    });
    expect(answer.status).toBe(200);
    await eventually(async () => {
      const spans = received
        .filter((batch) => batch.contentType.startsWith(contentType))
        .flatMap((batch) => batch.spans)
        .filter((span) => span.traceId === caller.traceId);
      expect(spans.some(isGatewayServer)).toBe(true);
      expect(spans.some(isCatalogServer('ListTitles'))).toBe(true);
      expect(spans.some(isSql)).toBe(true);
    }, 30_000);
  });
});
