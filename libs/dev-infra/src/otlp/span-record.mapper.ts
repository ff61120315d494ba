import type {
  Fixed64,
  IAnyValue,
  IKeyValue,
} from '@opentelemetry/otlp-transformer/build/src/common/internal-types';
import type {
  IExportTraceServiceRequest,
  ISpan,
} from '@opentelemetry/otlp-transformer/build/src/trace/internal-types';
import { OtlpDecodeError } from './otlp-decode.error';
import type {
  AttributeValue,
  Attributes,
  SpanKindName,
  SpanRecord,
  SpanStatusCode,
} from './span-record.types';

const KINDS: readonly SpanKindName[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];
const STATUS_CODES: readonly SpanStatusCode[] = ['unset', 'ok', 'error'];

/** What OpenTelemetry SDKs report when no service name was configured. */
export const UNKNOWN_SERVICE = 'unknown_service';

/** A trace or span id as lowercase hex; bytes (protobuf) or hex (JSON) of exactly `bytes` bytes. */
function hexId(value: string | Uint8Array | undefined, bytes: number, what: string): string {
  const hex =
    value instanceof Uint8Array
      ? value.length === bytes
        ? Buffer.from(value).toString('hex')
        : undefined
      : new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value ?? '')
        ? (value ?? '').toLowerCase()
        : undefined;
  if (hex === undefined || /^0+$/.test(hex)) {
    throw new OtlpDecodeError(`${what} must be ${bytes} bytes and not all zero`);
  }
  return hex;
}

/** A parent span id, or null when empty (the span starts its trace). */
function parentId(value: string | Uint8Array | undefined, what: string): string | null {
  if (value === undefined || value.length === 0) return null;
  return hexId(value, 8, what);
}

function nanos(value: Fixed64): bigint {
  if (typeof value === 'object') return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return BigInt(value);
}

function base64(value: Uint8Array | string): string {
  return Buffer.from(value instanceof Uint8Array ? value : Buffer.from(value, 'base64')).toString(
    'base64',
  );
}

/** Plain JSON for an AnyValue; a double JSON cannot carry (NaN, ±Infinity) becomes its name. */
export function attributeValue(value: IAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return value.intValue;
  if (value.doubleValue != null)
    return Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue);
  if (value.arrayValue) return value.arrayValue.values.map(attributeValue);
  if (value.kvlistValue) return attributes(value.kvlistValue.values);
  if (value.bytesValue != null) return base64(value.bytesValue);
  return null;
}

/** KeyValues as an object; a repeated key keeps its last value. */
export function attributes(list: IKeyValue[] | undefined): Attributes {
  // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, attributeValue(kv.value)]));
}

function spanRecord(
  span: ISpan,
  resource: Attributes,
  scope: SpanRecord['scope'],
  at: string,
): SpanRecord {
  const start = nanos(span.startTimeUnixNano);
  const end = nanos(span.endTimeUnixNano);
  const service = resource['service.name'];
  const instance = resource['service.instance.id'];
  return {
    traceId: hexId(span.traceId, 16, `${at}.traceId`),
    spanId: hexId(span.spanId, 8, `${at}.spanId`),
    parentSpanId: parentId(span.parentSpanId, `${at}.parentSpanId`),
    name: span.name,
    kind: KINDS[span.kind] ?? 'unspecified',
    service: typeof service === 'string' && service !== '' ? service : UNKNOWN_SERVICE,
    instance: typeof instance === 'string' && instance !== '' ? instance : null,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationMs: end > start ? Number(end - start) / 1e6 : 0,
    attributes: attributes(span.attributes),
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: nanos(event.timeUnixNano).toString(),
      attributes: attributes(event.attributes),
    })),
    links: span.links.map((link, index) => ({
      traceId: hexId(link.traceId, 16, `${at}.links[${index}].traceId`),
      spanId: hexId(link.spanId, 8, `${at}.links[${index}].spanId`),
      attributes: attributes(link.attributes),
    })),
    status: {
      code: STATUS_CODES[span.status.code] ?? 'unset',
      message: span.status.message ?? '',
    },
    resource,
    scope,
  };
}

/**
 * Every span of an export request as a plain record, whichever encoding it came in. Throws
 * OtlpDecodeError naming the first span whose ids are not valid.
 */
export function spanRecords(request: IExportTraceServiceRequest): SpanRecord[] {
  const records: SpanRecord[] = [];
  (request.resourceSpans ?? []).forEach((resourceSpans, r) => {
    // One object per resource and scope, shared by their spans.
    const resource = attributes(resourceSpans.resource?.attributes);
    resourceSpans.scopeSpans.forEach((scopeSpans, s) => {
      const scope = {
        name: scopeSpans.scope?.name ?? '',
        version: scopeSpans.scope?.version || null,
      };
      (scopeSpans.spans ?? []).forEach((span, i) => {
        records.push(
          spanRecord(span, resource, scope, `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`),
        );
      });
    });
  });
  return records;
}
