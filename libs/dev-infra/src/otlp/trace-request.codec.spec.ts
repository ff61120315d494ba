import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OtlpDecodeError } from './otlp-decode.error';
import { spanRecords } from './span-record.mapper';
import { expectedRecord, sampleSpans } from './testing/otel-span.builders';
import { decodeTraceRequestJson } from './trace-request-json.codec';
import { decodeTraceRequestProtobuf } from './trace-request-protobuf.codec';

const spans = sampleSpans();
const fromProtobuf = () =>
  spanRecords(
    decodeTraceRequestProtobuf(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array()),
  );
const fromJson = () =>
  spanRecords(
    decodeTraceRequestJson(
      new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array()),
    ),
  );

/** The sample's JSON request with one span's JSON changed by `edit`. */
function editedJson(edit: (span: Record<string, unknown>) => void): string {
  const request = JSON.parse(
    new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)),
  ) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  const first = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  if (!first) throw new Error('the sample has no span');
  edit(first);
  return JSON.stringify(request);
}

describe('decoding OTLP trace exports (against the OpenTelemetry serializers)', () => {
  it('reads every span the protobuf serializer wrote, as the SDK recorded it', () => {
    const records = fromProtobuf();
    expect(records).toHaveLength(spans.length);
    for (const span of spans) {
      const record = records.find((r) => r.spanId === span.spanContext().spanId);
      expect(record).toMatchObject(expectedRecord(span));
      expect(record?.attributes).toEqual(span.attributes);
    }
  });

  it('gives the same records from the JSON serializer as from the protobuf one', () => {
    expect(fromJson()).toEqual(fromProtobuf());
  });

  it('keeps every AnyValue kind: strings, booleans, ints, doubles, arrays, maps and bytes', () => {
    const catalog = fromProtobuf().find((record) => record.service === 'catalog');
    expect(catalog?.instance).toBe('catalog-2');
    expect(catalog?.resource).toMatchObject({
      'resource.bytes': Buffer.from([0, 1, 2, 250, 255]).toString('base64'),
      'resource.map': { team: 'kinema', replicas: 3, nested: { on: true, tags: ['a', 'b'] } },
    });
    const root = fromProtobuf().find(
      (record) => record.kind === 'server' && record.parentSpanId === null,
    );
    expect(root?.attributes).toMatchObject({
      'http.response.status_code': 200,
      'server.ratio': 0.25,
      'big.int': 2 ** 40,
      'negative.int': -7,
      enabled: true,
      'number.list': [1, 2.5],
    });
    expect(root?.durationMs).toBe(12);
  });

  it('names the service, the scope and the error of each span', () => {
    const failed = fromProtobuf().filter((record) => record.status.code === 'error');
    expect(failed.map((record) => [record.service, record.name, record.status.message])).toEqual([
      ['catalog', 'SELECT kinema_catalog', 'relation "titles" does not exist'],
    ]);
    expect(failed[0]?.scope).toEqual({ name: '@kinema/test', version: null });
  });

  it('takes int64 as strings or numbers, special doubles by name, and enums by name', () => {
    const json = editedJson((span) => {
      span['startTimeUnixNano'] = Number(span['startTimeUnixNano']) > 0 ? 1_000_000 : 0;
      span['endTimeUnixNano'] = '3500000';
      span['kind'] = 'SPAN_KIND_PRODUCER';
      span['attributes'] = [
        { key: 'int.string', value: { intValue: '-9007199254740991' } },
        { key: 'nan', value: { doubleValue: 'NaN' } },
        { key: 'empty', value: {} },
        { key: '__proto__', value: { stringValue: 'just a key' } },
      ];
      span['somethingNew'] = { ignored: true };
    });
    const [record] = spanRecords(decodeTraceRequestJson(json));
    expect(record?.kind).toBe('producer');
    expect(record?.durationMs).toBe(2.5);
    expect(record?.attributes).toEqual(
      Object.fromEntries([
        ['int.string', -9007199254740991],
        ['nan', 'NaN'],
        ['empty', null],
        ['__proto__', 'just a key'],
      ]),
    );
    expect(Object.getPrototypeOf(record?.attributes)).toBe(Object.prototype);
  });

  it('refuses JSON that is not an export, naming the field', () => {
    expect(() => decodeTraceRequestJson('{"resourceSpans": 3}')).toThrow(
      'resourceSpans: expected an array, got 3',
    );
    expect(() => decodeTraceRequestJson('[]')).toThrow(OtlpDecodeError);
    expect(() => decodeTraceRequestJson('{"resourceSpans": [')).toThrow(/^not JSON/);
    expect(() => decodeTraceRequestJson(editedJson((span) => (span['kind'] = 'SIDEWAYS')))).toThrow(
      /spans\[0\]\.kind: expected an enum number/,
    );
    expect(() =>
      decodeTraceRequestJson(editedJson((span) => (span['startTimeUnixNano'] = '-1'))),
    ).toThrow(/startTimeUnixNano: expected nanoseconds/);
  });

  it('refuses spans whose ids are not ids, whichever the encoding', () => {
    expect(() =>
      spanRecords(decodeTraceRequestJson(editedJson((span) => (span['traceId'] = 'abc')))),
    ).toThrow('resourceSpans[0].scopeSpans[0].spans[0].traceId must be 16 bytes and not all zero');
    expect(() =>
      spanRecords(decodeTraceRequestJson(editedJson((span) => (span['spanId'] = '0'.repeat(16))))),
    ).toThrow(/spanId must be 8 bytes and not all zero/);
    const shortId = new BinaryWriter();
    shortId.tag(1, WireType.LengthDelimited).fork(); // resource_spans
    shortId.tag(2, WireType.LengthDelimited).fork(); // scope_spans
    shortId.tag(2, WireType.LengthDelimited).fork(); // spans
    shortId.tag(1, WireType.LengthDelimited).bytes(new Uint8Array([1, 2, 3]));
    shortId.join().join().join();
    expect(() => spanRecords(decodeTraceRequestProtobuf(shortId.finish()))).toThrow(
      /traceId must be 16 bytes/,
    );
  });

  it('refuses protobuf that is cut short, mistyped or nested without end, without crashing', () => {
    const whole = ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
    for (const cut of [1, 7, 100, whole.length - 1]) {
      expect(() => decodeTraceRequestProtobuf(whole.subarray(0, cut))).toThrow(OtlpDecodeError);
    }
    // resource_spans as a varint instead of a message.
    expect(() => decodeTraceRequestProtobuf(new Uint8Array([0x08, 0x01]))).toThrow(
      'resource_spans has wire type 0, expected 2',
    );
    expect(() =>
      decodeTraceRequestProtobuf(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])),
    ).toThrow(OtlpDecodeError);
    let value = new BinaryWriter().tag(1, WireType.LengthDelimited).string('deep').finish();
    for (let depth = 0; depth < 40; depth++) {
      const array = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(value).finish();
      value = new BinaryWriter().tag(5, WireType.LengthDelimited).bytes(array).finish();
    }
    const attribute = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .string('deep')
      .tag(2, WireType.LengthDelimited)
      .bytes(value)
      .finish();
    const resource = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(attribute).finish();
    const request = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(resource).finish())
      .finish();
    expect(() => decodeTraceRequestProtobuf(request)).toThrow(
      'attribute values nest deeper than 16 levels',
    );
  });

  it('skips fields it does not know, as proto3 requires', () => {
    const whole = ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
    const extra = new BinaryWriter().tag(99, WireType.Varint).uint32(5).finish();
    const records = spanRecords(decodeTraceRequestProtobuf(Buffer.concat([extra, whole, extra])));
    expect(records).toEqual(fromProtobuf());
  });

  it('meets any bytes or any JSON with records or an OtlpDecodeError, nothing else', () => {
    const whole = ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
    const decodes = (decode: () => unknown) => {
      try {
        decode();
        return true;
      } catch (error) {
        return error instanceof OtlpDecodeError;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) =>
        decodes(() => spanRecords(decodeTraceRequestProtobuf(bytes))),
      ),
    );
    // Real exports with bytes flipped: deep inside the structure, where a decoder goes wrong.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(whole.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (flips) => {
          const bytes = Uint8Array.from(whole);
          for (const [at, value] of flips) bytes[at] = value;
          return decodes(() => spanRecords(decodeTraceRequestProtobuf(bytes)));
        },
      ),
    );
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) =>
        decodes(() => spanRecords(decodeTraceRequestJson(text))),
      ),
    );
  });
});
