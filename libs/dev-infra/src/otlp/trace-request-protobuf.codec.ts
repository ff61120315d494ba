import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type {
  IAnyValue,
  IInstrumentationScope,
  IKeyValue,
  Resource,
} from '@opentelemetry/otlp-transformer/build/src/common/internal-types';
import type {
  IEvent,
  IExportTraceServiceRequest,
  ILink,
  IResourceSpans,
  IScopeSpans,
  ISpan,
  IStatus,
} from '@opentelemetry/otlp-transformer/build/src/trace/internal-types';
import { MAX_VALUE_DEPTH, OtlpDecodeError } from './otlp-decode.error';

// @opentelemetry/otlp-transformer has the OTLP types and the serializers, but no decoder for a
// request (its ProtobufReader only reads export responses), and the generated protobufjs code it
// once shipped is gone. So this reads ExportTraceServiceRequest with @bufbuild/protobuf's
// BinaryReader, field by field, after opentelemetry-proto v1
// (opentelemetry/proto/collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// common/v1/common.proto, resource/v1/resource.proto). Unknown fields are skipped, as proto3
// requires; a known field with another wire type is an error.

type MessageReader<T> = (reader: BinaryReader, field: number, wireType: WireType, into: T) => void;

/** Reads one message's fields; anything short, overlong or mistyped throws OtlpDecodeError. */
function readMessage<T>(bytes: Uint8Array, into: T, readField: MessageReader<T>): T {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    readField(reader, field, wireType, into);
  }
  // BinaryReader reads varints without a bounds check: a message cut short ends past its length.
  if (reader.pos !== reader.len) throw new OtlpDecodeError('a message ends past its length');
  return into;
}

function expectWireType(name: string, wireType: WireType, expected: WireType): void {
  if (wireType !== expected) {
    throw new OtlpDecodeError(`${name} has wire type ${wireType}, expected ${expected}`);
  }
}

function bytesOf(reader: BinaryReader, wireType: WireType, name: string): Uint8Array {
  expectWireType(name, wireType, WireType.LengthDelimited);
  return reader.bytes();
}

function stringOf(reader: BinaryReader, wireType: WireType, name: string): string {
  expectWireType(name, wireType, WireType.LengthDelimited);
  return reader.string();
}

function varintOf(reader: BinaryReader, wireType: WireType, name: string): number {
  expectWireType(name, wireType, WireType.Varint);
  return reader.uint32();
}

function fixed64Of(reader: BinaryReader, wireType: WireType, name: string): string {
  expectWireType(name, wireType, WireType.Bit64);
  return String(reader.fixed64());
}

function fixed32Of(reader: BinaryReader, wireType: WireType, name: string): number {
  expectWireType(name, wireType, WireType.Bit32);
  return reader.fixed32();
}

/** common.v1.AnyValue: a oneof, so the last of its fields present wins (as in any proto3 decoder). */
function anyValue(bytes: Uint8Array, depth: number): IAnyValue {
  if (depth > MAX_VALUE_DEPTH) {
    throw new OtlpDecodeError(`attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  }
  const holder = readMessage<{ value: IAnyValue }>(
    bytes,
    { value: {} },
    (reader, field, wireType, into) => {
      switch (field) {
        case 1:
          into.value = { stringValue: stringOf(reader, wireType, 'AnyValue.string_value') };
          break;
        case 2:
          expectWireType('AnyValue.bool_value', wireType, WireType.Varint);
          into.value = { boolValue: reader.bool() };
          break;
        case 3:
          expectWireType('AnyValue.int_value', wireType, WireType.Varint);
          // The OTLP types carry int64 as a JS number, as the SDK's attributes do: exact to 2^53.
          into.value = { intValue: Number(reader.int64()) };
          break;
        case 4:
          expectWireType('AnyValue.double_value', wireType, WireType.Bit64);
          into.value = { doubleValue: reader.double() };
          break;
        case 5: {
          const items = bytesOf(reader, wireType, 'AnyValue.array_value');
          into.value = {
            arrayValue: { values: repeatedOf(items, (item) => anyValue(item, depth + 1)) },
          };
          break;
        }
        case 6: {
          const items = bytesOf(reader, wireType, 'AnyValue.kvlist_value');
          into.value = {
            kvlistValue: { values: repeatedOf(items, (item) => keyValue(item, depth + 1)) },
          };
          break;
        }
        case 7:
          into.value = { bytesValue: bytesOf(reader, wireType, 'AnyValue.bytes_value') };
          break;
        default:
          reader.skip(wireType);
      }
    },
  );
  return holder.value;
}

/** ArrayValue and KeyValueList: field 1, repeated. */
function repeatedOf<T>(bytes: Uint8Array, decode: (item: Uint8Array) => T): T[] {
  return readMessage<T[]>(bytes, [], (reader, field, wireType, items) => {
    if (field === 1) items.push(decode(bytesOf(reader, wireType, 'values')));
    else reader.skip(wireType);
  });
}

function keyValue(bytes: Uint8Array, depth = 0): IKeyValue {
  return readMessage<IKeyValue>(bytes, { key: '', value: {} }, (reader, field, wireType, kv) => {
    if (field === 1) kv.key = stringOf(reader, wireType, 'KeyValue.key');
    else if (field === 2) kv.value = anyValue(bytesOf(reader, wireType, 'KeyValue.value'), depth);
    else reader.skip(wireType);
  });
}

function attributeOf(reader: BinaryReader, wireType: WireType, into: IKeyValue[]): void {
  into.push(keyValue(bytesOf(reader, wireType, 'attributes')));
}

function resource(bytes: Uint8Array): Resource {
  return readMessage<Resource>(
    bytes,
    { attributes: [], droppedAttributesCount: 0 },
    (reader, field, wireType, into) => {
      if (field === 1) attributeOf(reader, wireType, into.attributes);
      else if (field === 2)
        into.droppedAttributesCount = varintOf(reader, wireType, 'dropped_attributes_count');
      else reader.skip(wireType);
    },
  );
}

function scope(bytes: Uint8Array): IInstrumentationScope {
  return readMessage<IInstrumentationScope>(
    bytes,
    { name: '', attributes: [] },
    (reader, field, wireType, into) => {
      if (field === 1) into.name = stringOf(reader, wireType, 'InstrumentationScope.name');
      else if (field === 2)
        into.version = stringOf(reader, wireType, 'InstrumentationScope.version');
      else if (field === 3) attributeOf(reader, wireType, (into.attributes ??= []));
      else if (field === 4)
        into.droppedAttributesCount = varintOf(reader, wireType, 'dropped_attributes_count');
      else reader.skip(wireType);
    },
  );
}

function event(bytes: Uint8Array): IEvent {
  return readMessage<IEvent>(
    bytes,
    { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 },
    (reader, field, wireType, into) => {
      if (field === 1) into.timeUnixNano = fixed64Of(reader, wireType, 'Event.time_unix_nano');
      else if (field === 2) into.name = stringOf(reader, wireType, 'Event.name');
      else if (field === 3) attributeOf(reader, wireType, into.attributes);
      else if (field === 4)
        into.droppedAttributesCount = varintOf(reader, wireType, 'dropped_attributes_count');
      else reader.skip(wireType);
    },
  );
}

function link(bytes: Uint8Array): ILink {
  return readMessage<ILink>(
    bytes,
    {
      traceId: new Uint8Array(),
      spanId: new Uint8Array(),
      attributes: [],
      droppedAttributesCount: 0,
    },
    (reader, field, wireType, into) => {
      if (field === 1) into.traceId = bytesOf(reader, wireType, 'Link.trace_id');
      else if (field === 2) into.spanId = bytesOf(reader, wireType, 'Link.span_id');
      else if (field === 3) into.traceState = stringOf(reader, wireType, 'Link.trace_state');
      else if (field === 4) attributeOf(reader, wireType, into.attributes);
      else if (field === 5)
        into.droppedAttributesCount = varintOf(reader, wireType, 'dropped_attributes_count');
      else if (field === 6) into.flags = fixed32Of(reader, wireType, 'Link.flags');
      else reader.skip(wireType);
    },
  );
}

function status(bytes: Uint8Array): IStatus {
  // Field 1 is the deprecated `deprecated_code`; skipped like any unknown field.
  return readMessage<IStatus>(bytes, { code: 0 }, (reader, field, wireType, into) => {
    if (field === 2) into.message = stringOf(reader, wireType, 'Status.message');
    else if (field === 3) into.code = varintOf(reader, wireType, 'Status.code');
    else reader.skip(wireType);
  });
}

function span(bytes: Uint8Array): ISpan {
  const empty: ISpan = {
    traceId: new Uint8Array(),
    spanId: new Uint8Array(),
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0 },
  };
  return readMessage<ISpan>(bytes, empty, (reader, field, wireType, into) => {
    switch (field) {
      case 1:
        into.traceId = bytesOf(reader, wireType, 'Span.trace_id');
        break;
      case 2:
        into.spanId = bytesOf(reader, wireType, 'Span.span_id');
        break;
      case 3:
        into.traceState = stringOf(reader, wireType, 'Span.trace_state');
        break;
      case 4:
        into.parentSpanId = bytesOf(reader, wireType, 'Span.parent_span_id');
        break;
      case 5:
        into.name = stringOf(reader, wireType, 'Span.name');
        break;
      case 6:
        into.kind = varintOf(reader, wireType, 'Span.kind');
        break;
      case 7:
        into.startTimeUnixNano = fixed64Of(reader, wireType, 'Span.start_time_unix_nano');
        break;
      case 8:
        into.endTimeUnixNano = fixed64Of(reader, wireType, 'Span.end_time_unix_nano');
        break;
      case 9:
        attributeOf(reader, wireType, into.attributes);
        break;
      case 10:
        into.droppedAttributesCount = varintOf(reader, wireType, 'dropped_attributes_count');
        break;
      case 11:
        into.events.push(event(bytesOf(reader, wireType, 'Span.events')));
        break;
      case 12:
        into.droppedEventsCount = varintOf(reader, wireType, 'dropped_events_count');
        break;
      case 13:
        into.links.push(link(bytesOf(reader, wireType, 'Span.links')));
        break;
      case 14:
        into.droppedLinksCount = varintOf(reader, wireType, 'dropped_links_count');
        break;
      case 15:
        into.status = status(bytesOf(reader, wireType, 'Span.status'));
        break;
      case 16:
        into.flags = fixed32Of(reader, wireType, 'Span.flags');
        break;
      default:
        reader.skip(wireType);
    }
  });
}

function scopeSpans(bytes: Uint8Array): IScopeSpans {
  return readMessage<IScopeSpans>(bytes, { spans: [] }, (reader, field, wireType, into) => {
    if (field === 1) into.scope = scope(bytesOf(reader, wireType, 'ScopeSpans.scope'));
    else if (field === 2) (into.spans ??= []).push(span(bytesOf(reader, wireType, 'spans')));
    else if (field === 3) into.schemaUrl = stringOf(reader, wireType, 'schema_url');
    else reader.skip(wireType);
  });
}

function resourceSpans(bytes: Uint8Array): IResourceSpans {
  return readMessage<IResourceSpans>(bytes, { scopeSpans: [] }, (reader, field, wireType, into) => {
    if (field === 1) into.resource = resource(bytesOf(reader, wireType, 'ResourceSpans.resource'));
    else if (field === 2)
      into.scopeSpans.push(scopeSpans(bytesOf(reader, wireType, 'scope_spans')));
    else if (field === 3) into.schemaUrl = stringOf(reader, wireType, 'schema_url');
    else reader.skip(wireType);
  });
}

/**
 * Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest) into the OTLP types of
 * @opentelemetry/otlp-transformer: ids as bytes, times as decimal strings. Throws OtlpDecodeError.
 */
export function decodeTraceRequestProtobuf(body: Uint8Array): IExportTraceServiceRequest {
  try {
    return readMessage<IExportTraceServiceRequest>(
      body,
      { resourceSpans: [] },
      (reader, field, wireType, into) => {
        if (field === 1) {
          (into.resourceSpans ??= []).push(
            resourceSpans(bytesOf(reader, wireType, 'resource_spans')),
          );
        } else reader.skip(wireType);
      },
    );
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    // BinaryReader's own complaints: premature EOF, an illegal tag, an unknown wire type.
    throw new OtlpDecodeError(error instanceof Error ? error.message : String(error));
  }
}
