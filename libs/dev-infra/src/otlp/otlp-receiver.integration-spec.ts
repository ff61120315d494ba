import { BinaryReader } from '@bufbuild/protobuf/wire';
import { SpanKind } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startOtlpReceiver, type RunningOtlpReceiver } from './otlp-receiver';
import type { TraceListResponse } from './span-record.types';
import { sampleSpans } from './testing/otel-span.builders';

const spans = sampleSpans();
const protobufBody = ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
const jsonBody = JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array();

/** Field 2 of a google.rpc.Status (its message) or of an ExportTracePartialSuccess (its error). */
function statusMessage(body: Uint8Array): string {
  const reader = new BinaryReader(body);
  let message = '';
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 2) message = reader.string();
    else reader.skip(wireType);
  }
  return message;
}

describe('the OTLP receiver over HTTP', () => {
  let receiver: RunningOtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver({
      maxBodyBytes: 64 * 1024,
      limits: { maxTraces: 100, maxSpans: 1_000, maxSpansPerTrace: 2 },
    });
  });
  afterEach(() => receiver.stop());

  const post = (body: Uint8Array, headers: Record<string, string>) =>
    fetch(`${receiver.url}/v1/traces`, { method: 'POST', body, headers });
  const traces = async (): Promise<TraceListResponse> =>
    (await (await fetch(`${receiver.url}/api/traces`)).json()) as TraceListResponse;

  it('takes protobuf and answers in protobuf, a partial success when a trace is full', async () => {
    const response = await post(protobufBody, { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    // The request's root and two more of its spans fit the trace's cap: a partial success says so.
    const reader = new BinaryReader(new Uint8Array(await response.arrayBuffer()));
    expect(reader.tag()).toEqual([1, 2]);
    expect(statusMessage(reader.bytes())).toMatch(/already holds 2 spans/);
    expect((await traces()).traces.map((trace) => trace.name).sort()).toEqual([
      'GET /api/v1/titles/:id',
      'catalog.titles.v1 process',
      'catalog.titles.v1 publish',
    ]);
  });

  it('takes gzipped JSON and answers JSON', async () => {
    const messaging = [SpanKind.PRODUCER, SpanKind.CONSUMER];
    const small = spans.filter((span) => messaging.includes(span.kind));
    const body = gzipSync(JsonTraceSerializer.serializeRequest(small) ?? new Uint8Array());
    const response = await post(body, {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect((await traces()).traces.map((trace) => trace.kind).sort()).toEqual([
      'consumer',
      'producer',
    ]);
  });

  it('refuses other media types and encodings with 415, naming what it takes', async () => {
    const plain = await post(jsonBody, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({
      code: 3,
      message: 'Content-Type must be application/x-protobuf or application/json, got "text/plain"',
    });
    const brotli = await post(jsonBody, {
      'content-type': 'application/json',
      'content-encoding': 'br',
    });
    expect(brotli.status).toBe(415);
    expect(((await brotli.json()) as { message: string }).message).toContain('gzip or none');
  });

  it('answers 400 with a short message, in the request encoding, for a body that does not decode', async () => {
    const protobuf = await post(protobufBody.subarray(0, 50), {
      'content-type': 'application/x-protobuf',
    });
    expect(protobuf.status).toBe(400);
    expect(statusMessage(new Uint8Array(await protobuf.arrayBuffer()))).not.toBe('');
    const json = await post(Buffer.from('{"resourceSpans":{}}'), {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      code: 3,
      message: 'resourceSpans: expected an array, got {}',
    });
    const notGzip = await post(jsonBody, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(notGzip.status).toBe(400);
    expect((await traces()).traces).toEqual([]);
  });

  it('answers 413 past the body limit, before or after gzip', async () => {
    const big = Buffer.alloc(65 * 1024, 'a');
    const plain = await post(big, { 'content-type': 'application/json' });
    expect(plain.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const inflated = await post(bomb, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(inflated.status).toBe(413);
    expect(statusMessage(new Uint8Array(await inflated.arrayBuffer()))).toContain(
      'larger than 65536 bytes',
    );
  });

  it('stops reading a body that goes on past the limit without a Content-Length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${receiver.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
      });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024);
      let sent = 0;
      const more = (): void => {
        // Chunked, and far longer than the limit: the answer must come before the end.
        while (sent < 100 && req.write(chunk)) sent++;
        if (sent < 100) req.once('drain', more);
      };
      more();
    });
    expect(status).toBe(413);
  });

  it('answers other signals and paths with a clear 404, and wrong methods with 405', async () => {
    const metrics = await fetch(`${receiver.url}/v1/metrics`, { method: 'POST', body: '{}' });
    expect(metrics.status).toBe(404);
    expect(metrics.headers.get('content-type')).toBe('application/problem+json');
    expect(((await metrics.json()) as { detail: string }).detail).toContain('traces only');
    expect((await fetch(`${receiver.url}/v1/logs`)).status).toBe(404);
    expect((await fetch(`${receiver.url}/nowhere`)).status).toBe(404);
    const get = await fetch(`${receiver.url}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${receiver.url}/api/traces`, { method: 'DELETE' })).status).toBe(405);
  });

  it('serves the query API as JSON, and its errors as problem+json', async () => {
    await post(protobufBody, { 'content-type': 'application/x-protobuf' });
    const bad = await fetch(`${receiver.url}/api/traces?limit=nine`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const stats = await fetch(`${receiver.url}/api/stats`);
    expect(await stats.json()).toMatchObject({ traces: 3, spans: 5, refusedSpans: 1 });
  });
});
