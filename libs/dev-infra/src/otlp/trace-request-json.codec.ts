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

// OTLP/HTTP JSON is the protobuf JSON mapping with OTLP's exceptions: lowerCamelCase field names,
// trace and span ids as hex (not base64), enums as integers. int64 (times, intValue) may come as a
// string or a number; doubles may be "NaN", "Infinity", "-Infinity". null means the default, and
// unknown fields are ignored. Enum names (SPAN_KIND_SERVER) are accepted too, as protobuf's own
// JSON parsers do. Every complaint names the path of the field.

type Json = unknown;

function fail(path: string, expected: string, value: Json): never {
  const shown = JSON.stringify(value);
  throw new OtlpDecodeError(
    `${path}: expected ${expected}, got ${shown === undefined ? String(value) : shown.slice(0, 40)}`,
  );
}

function objectAt(value: Json, path: string): Record<string, Json> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(path, 'an object', value);
  return value as Record<string, Json>;
}

function listAt<T>(value: Json, path: string, item: (value: Json, path: string) => T): T[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value.map((element, index) => item(element, `${path}[${index}]`));
}

function stringAt(value: Json, path: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

/** A uint32 or an enum (its number, or its name among `names`). */
function integerAt(value: Json, path: string, names: readonly string[] = []): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string' && names.includes(value)) return names.indexOf(value);
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffffffff)
    fail(path, names.length > 0 ? 'an enum number' : 'an unsigned integer', value);
  return number;
}

/** A fixed64 time: a decimal string, as the protobuf decoder gives it. */
function nanosAt(value: Json, path: string): string {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) < 2n ** 64n)
    return String(BigInt(value));
  return fail(path, 'nanoseconds (an unsigned 64-bit integer)', value);
}

function int64At(value: Json, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) {
    const big = BigInt(value);
    if (big >= -(2n ** 63n) && big < 2n ** 63n) return Number(big);
  }
  return fail(path, 'a 64-bit integer', value);
}

const SPECIAL_DOUBLES: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

function doubleAt(value: Json, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const special = SPECIAL_DOUBLES[value];
    if (special !== undefined) return special;
    if (value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  }
  return fail(path, 'a number', value);
}

function base64At(value: Json, path: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
    fail(path, 'base64 bytes', value);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function anyValueAt(value: Json, path: string, depth: number): IAnyValue {
  if (depth > MAX_VALUE_DEPTH) {
    throw new OtlpDecodeError(
      `${path}: attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`,
    );
  }
  const json = objectAt(value, path);
  if (json['stringValue'] != null)
    return { stringValue: stringAt(json['stringValue'], `${path}.stringValue`) };
  if (json['boolValue'] != null) {
    if (typeof json['boolValue'] !== 'boolean')
      fail(`${path}.boolValue`, 'a boolean', json['boolValue']);
    return { boolValue: json['boolValue'] };
  }
  if (json['intValue'] != null) return { intValue: int64At(json['intValue'], `${path}.intValue`) };
  if (json['doubleValue'] != null)
    return { doubleValue: doubleAt(json['doubleValue'], `${path}.doubleValue`) };
  if (json['arrayValue'] != null) {
    const array = objectAt(json['arrayValue'], `${path}.arrayValue`);
    return {
      arrayValue: {
        values: listAt(array['values'], `${path}.arrayValue.values`, (item, at) =>
          anyValueAt(item, at, depth + 1),
        ),
      },
    };
  }
  if (json['kvlistValue'] != null) {
    const list = objectAt(json['kvlistValue'], `${path}.kvlistValue`);
    return {
      kvlistValue: {
        values: listAt(list['values'], `${path}.kvlistValue.values`, (item, at) =>
          keyValueAt(item, at, depth + 1),
        ),
      },
    };
  }
  if (json['bytesValue'] != null)
    return { bytesValue: base64At(json['bytesValue'], `${path}.bytesValue`) };
  return {};
}

function keyValueAt(value: Json, path: string, depth = 0): IKeyValue {
  const json = objectAt(value, path);
  return {
    key: stringAt(json['key'], `${path}.key`),
    value: anyValueAt(json['value'], `${path}.value`, depth),
  };
}

function attributesAt(value: Json, path: string): IKeyValue[] {
  return listAt(value, path, (item, at) => keyValueAt(item, at));
}

function resourceAt(value: Json, path: string): Resource {
  const json = objectAt(value, path);
  return {
    attributes: attributesAt(json['attributes'], `${path}.attributes`),
    droppedAttributesCount: integerAt(
      json['droppedAttributesCount'],
      `${path}.droppedAttributesCount`,
    ),
  };
}

function scopeAt(value: Json, path: string): IInstrumentationScope {
  const json = objectAt(value, path);
  return {
    name: stringAt(json['name'], `${path}.name`),
    version: stringAt(json['version'], `${path}.version`),
    attributes: attributesAt(json['attributes'], `${path}.attributes`),
    droppedAttributesCount: integerAt(
      json['droppedAttributesCount'],
      `${path}.droppedAttributesCount`,
    ),
  };
}

function eventAt(value: Json, path: string): IEvent {
  const json = objectAt(value, path);
  return {
    timeUnixNano: nanosAt(json['timeUnixNano'], `${path}.timeUnixNano`),
    name: stringAt(json['name'], `${path}.name`),
    attributes: attributesAt(json['attributes'], `${path}.attributes`),
    droppedAttributesCount: integerAt(
      json['droppedAttributesCount'],
      `${path}.droppedAttributesCount`,
    ),
  };
}

function linkAt(value: Json, path: string): ILink {
  const json = objectAt(value, path);
  return {
    traceId: stringAt(json['traceId'], `${path}.traceId`),
    spanId: stringAt(json['spanId'], `${path}.spanId`),
    traceState: stringAt(json['traceState'], `${path}.traceState`),
    attributes: attributesAt(json['attributes'], `${path}.attributes`),
    droppedAttributesCount: integerAt(
      json['droppedAttributesCount'],
      `${path}.droppedAttributesCount`,
    ),
    flags: integerAt(json['flags'], `${path}.flags`),
  };
}

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

function statusAt(value: Json, path: string): IStatus {
  const json = objectAt(value, path);
  return {
    message: stringAt(json['message'], `${path}.message`),
    code: integerAt(json['code'], `${path}.code`, STATUS_CODES),
  };
}

function spanAt(value: Json, path: string): ISpan {
  const json = objectAt(value, path);
  return {
    traceId: stringAt(json['traceId'], `${path}.traceId`),
    spanId: stringAt(json['spanId'], `${path}.spanId`),
    traceState: stringAt(json['traceState'], `${path}.traceState`),
    parentSpanId: stringAt(json['parentSpanId'], `${path}.parentSpanId`),
    name: stringAt(json['name'], `${path}.name`),
    kind: integerAt(json['kind'], `${path}.kind`, SPAN_KINDS),
    startTimeUnixNano: nanosAt(json['startTimeUnixNano'], `${path}.startTimeUnixNano`),
    endTimeUnixNano: nanosAt(json['endTimeUnixNano'], `${path}.endTimeUnixNano`),
    attributes: attributesAt(json['attributes'], `${path}.attributes`),
    droppedAttributesCount: integerAt(
      json['droppedAttributesCount'],
      `${path}.droppedAttributesCount`,
    ),
    events: listAt(json['events'], `${path}.events`, eventAt),
    droppedEventsCount: integerAt(json['droppedEventsCount'], `${path}.droppedEventsCount`),
    links: listAt(json['links'], `${path}.links`, linkAt),
    droppedLinksCount: integerAt(json['droppedLinksCount'], `${path}.droppedLinksCount`),
    status: statusAt(json['status'], `${path}.status`),
    flags: integerAt(json['flags'], `${path}.flags`),
  };
}

function scopeSpansAt(value: Json, path: string): IScopeSpans {
  const json = objectAt(value, path);
  return {
    scope: scopeAt(json['scope'], `${path}.scope`),
    spans: listAt(json['spans'], `${path}.spans`, spanAt),
    schemaUrl: stringAt(json['schemaUrl'], `${path}.schemaUrl`),
  };
}

function resourceSpansAt(value: Json, path: string): IResourceSpans {
  const json = objectAt(value, path);
  return {
    resource: resourceAt(json['resource'], `${path}.resource`),
    scopeSpans: listAt(json['scopeSpans'], `${path}.scopeSpans`, scopeSpansAt),
    schemaUrl: stringAt(json['schemaUrl'], `${path}.schemaUrl`),
  };
}

/**
 * Decodes an OTLP/HTTP JSON body (ExportTraceServiceRequest) into the OTLP types of
 * @opentelemetry/otlp-transformer: ids as hex, times as decimal strings. Throws OtlpDecodeError.
 */
export function decodeTraceRequestJson(body: string): IExportTraceServiceRequest {
  let json: Json;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new OtlpDecodeError(`not JSON: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    fail('the body', 'an ExportTraceServiceRequest object', json);
  return {
    resourceSpans: listAt(
      (json as Record<string, Json>)['resourceSpans'],
      'resourceSpans',
      resourceSpansAt,
    ),
  };
}
