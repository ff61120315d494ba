import { MalformedRequestError, ProtocolReader } from './protocol-reader.codec';
import { ProtocolWriter } from './protocol-writer.codec';

/**
 * Message layouts described once per API, in the notation of Kafka's own message definitions
 * (`"versions": "3+"`, `"nullableVersions": "1+"`, `"flexibleVersions": "9+"`), and one generic
 * reader/writer for them. Written here rather than taken from a package: the maintained Kafka
 * libraries for Node ship client-side encoders (requests out, responses in), while a broker needs
 * the opposite direction; describing each message once keeps every version of every API exact
 * without a hand-written decoder per version.
 */

/** The version a message is read or written at, and whether that version is flexible (KIP-482). */
export interface Wire {
  version: number;
  flexible: boolean;
}

export interface WireType<T> {
  read(reader: ProtocolReader, wire: Wire): T;
  write(writer: ProtocolWriter, value: T, wire: Wire): void;
  /** Value of a field that the version being read does not carry. */
  zero(): T;
}

/** Kafka's version-range notation: "3+", "0-7", "5", or "none". */
export type VersionRange = string;

/** Parses a version range once; the result tells whether a version falls inside it. */
export function versionRange(range: VersionRange): (version: number) => boolean {
  if (range === 'none') return () => false;
  const plus = /^(\d+)\+$/.exec(range);
  if (plus) return (version) => version >= Number(plus[1]);
  const span = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!span) throw new Error(`bad version range ${range}`);
  const low = Number(span[1]);
  const high = span[2] === undefined ? low : Number(span[2]);
  return (version) => version >= low && version <= high;
}

function primitive<T>(
  zero: T,
  read: (reader: ProtocolReader) => T,
  write: (writer: ProtocolWriter, value: T) => void,
): WireType<T> {
  return { read: (r) => read(r), write: (w, v) => write(w, v), zero: () => zero };
}

export const int8 = primitive(
  0,
  (r) => r.int8(),
  (w, v) => w.int8(v),
);
export const int16 = primitive(
  0,
  (r) => r.int16(),
  (w, v) => w.int16(v),
);
export const int32 = primitive(
  0,
  (r) => r.int32(),
  (w, v) => w.int32(v),
);
export const int64 = primitive(
  0,
  (r) => r.int64(),
  (w, v) => w.int64(v),
);
export const bool = primitive(
  false,
  (r) => r.boolean(),
  (w, v) => w.boolean(v),
);
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
export const uuid = primitive(
  ZERO_UUID,
  (r) => r.uuid(),
  (w, v) => w.uuid(v),
);

/** A string; null only in the versions `nullableIn` names (a null elsewhere is malformed). */
export function string(nullableIn: VersionRange = 'none'): WireType<string | null> {
  const nullable = versionRange(nullableIn);
  return {
    read(r, wire) {
      const value = wire.flexible ? r.compactNullableString() : r.nullableString();
      if (value === null && !nullable(wire.version)) {
        throw new MalformedRequestError('null where a string is required');
      }
      return value;
    },
    write(w, value, wire) {
      const sent = value === null && !nullable(wire.version) ? '' : value;
      if (wire.flexible) w.compactNullableString(sent);
      else w.nullableString(sent);
    },
    zero: () => (nullable(0) ? null : ''),
  };
}

/** Shorthand for a string that is never null. */
export const str = string() as WireType<string>;

/** Bytes (also used for record sets); null only where `nullableIn` allows. */
export function bytes(nullableIn: VersionRange = 'none'): WireType<Buffer | null> {
  const nullable = versionRange(nullableIn);
  return {
    read(r, wire) {
      const value = wire.flexible ? r.compactNullableBytes() : r.nullableBytes();
      if (value === null && !nullable(wire.version)) return Buffer.alloc(0);
      return value;
    },
    write(w, value, wire) {
      const sent = value === null && !nullable(wire.version) ? Buffer.alloc(0) : value;
      if (wire.flexible) w.compactBytes(sent);
      else w.bytes(sent);
    },
    zero: () => null,
  };
}

/** Record batches as stored: written back to back without being joined into one buffer first. */
export const records: WireType<readonly Buffer[]> = {
  read(r, wire) {
    const value = wire.flexible ? r.compactNullableBytes() : r.nullableBytes();
    return value === null ? [] : [value];
  },
  write(w, value, wire) {
    const size = value.reduce((sum, batch) => sum + batch.length, 0);
    if (wire.flexible) w.uvarint(size + 1);
    else w.int32(size);
    for (const batch of value) w.raw(batch);
  },
  zero: () => [],
};

/** An array; null only in the versions `nullableIn` names. */
export function array<T>(
  item: WireType<T>,
  nullableIn: VersionRange = 'none',
): WireType<T[] | null> {
  const nullable = versionRange(nullableIn);
  return {
    read(r, wire) {
      const length = wire.flexible ? r.compactArrayLength() : readClassicLength(r);
      if (length === null) return nullable(wire.version) ? null : [];
      const items: T[] = [];
      for (let i = 0; i < length; i += 1) items.push(item.read(r, wire));
      return items;
    },
    write(w, value, wire) {
      const items = value === null && !nullable(wire.version) ? [] : value;
      if (items === null) {
        if (wire.flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      if (wire.flexible) w.uvarint(items.length + 1);
      else w.int32(items.length);
      for (const each of items) item.write(w, each, wire);
    },
    zero: () => (nullable(0) ? null : []),
  };
}

/** Shorthand for an array that is never null. */
export function list<T>(item: WireType<T>): WireType<T[]> {
  return array(item) as WireType<T[]>;
}

function readClassicLength(r: ProtocolReader): number | null {
  const length = r.int32();
  if (length === -1) return null;
  if (length < 0 || length > r.remaining) {
    throw new MalformedRequestError(`invalid array length ${length}`);
  }
  return length;
}

/** A field: its type, the versions that carry it, and its value in versions that do not. */
export type Field<T> = readonly [type: WireType<T>, versions?: VersionRange, absent?: T];

type FieldsOf<S> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/**
 * A structure: fields in wire order, each present only in its versions, followed in flexible
 * versions by a tagged-field section (read and skipped; written empty).
 */
export function struct<S extends Record<string, Field<unknown>>>(spec: S): WireType<FieldsOf<S>> {
  const fields = Object.entries(spec).map(([name, [type, versions = '0+', absent]]) => ({
    name,
    type,
    present: versionRange(versions),
    absent,
  }));
  return {
    read(r, wire) {
      const value: Record<string, unknown> = {};
      for (const field of fields) {
        value[field.name] = field.present(wire.version)
          ? field.type.read(r, wire)
          : (field.absent ?? field.type.zero());
      }
      if (wire.flexible) r.skipTaggedFields();
      return value as FieldsOf<S>;
    },
    write(w, value, wire) {
      const record = value as Record<string, unknown>;
      for (const field of fields) {
        if (field.present(wire.version)) field.type.write(w, record[field.name], wire);
      }
      if (wire.flexible) w.uvarint(0);
    },
    zero: () => ({}) as FieldsOf<S>,
  };
}

/** The decoded value of a message type. */
export type Infer<W> = W extends WireType<infer T> ? T : never;
