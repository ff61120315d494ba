/** Raised when a request cannot be decoded; the connection that sent it is closed. */
export class MalformedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}

/** Bounds-checked big-endian Kafka primitive decoder over one request body. */
export class ProtocolReader {
  private position: number;

  constructor(
    private readonly buffer: Buffer,
    offset = 0,
  ) {
    this.position = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  get offset(): number {
    return this.position;
  }

  int8(): number {
    this.require(1);
    const value = this.buffer.readInt8(this.position);
    this.position += 1;
    return value;
  }

  int16(): number {
    this.require(2);
    const value = this.buffer.readInt16BE(this.position);
    this.position += 2;
    return value;
  }

  int32(): number {
    this.require(4);
    const value = this.buffer.readInt32BE(this.position);
    this.position += 4;
    return value;
  }

  /** Offsets and ids stay far below 2^53 in a dev broker, so a number is exact enough. */
  int64(): number {
    this.require(8);
    const value = this.buffer.readBigInt64BE(this.position);
    this.position += 8;
    return Number(value);
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new MalformedRequestError('null where a string is required');
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < 0) throw new MalformedRequestError(`invalid string length ${length}`);
    this.require(length);
    const value = this.buffer.toString('utf8', this.position, this.position + length);
    this.position += length;
    return value;
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0) throw new MalformedRequestError(`invalid bytes length ${length}`);
    this.require(length);
    const value = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  array<T>(readItem: (reader: this) => T): T[] {
    return this.nullableArray(readItem) ?? [];
  }

  /** A length larger than the bytes left cannot be honest, so it is rejected before allocating. */
  nullableArray<T>(readItem: (reader: this) => T): T[] | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0 || length > this.remaining) {
      throw new MalformedRequestError(`invalid array length ${length}`);
    }
    const items: T[] = [];
    for (let i = 0; i < length; i += 1) items.push(readItem(this));
    return items;
  }

  /** Unsigned varint (KIP-482 lengths and tag numbers); at most 5 bytes, as in Kafka. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.uint8();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new MalformedRequestError('unsigned varint longer than 5 bytes');
  }

  /** Compact (flexible-version) string: length + 1 as a varint, 0 meaning null. */
  compactNullableString(): string | null {
    const length = this.uvarint() - 1;
    if (length === -1) return null;
    this.require(length);
    const value = this.buffer.toString('utf8', this.position, this.position + length);
    this.position += length;
    return value;
  }

  compactNullableBytes(): Buffer | null {
    const length = this.uvarint() - 1;
    if (length === -1) return null;
    this.require(length);
    const value = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  /** Compact array length (varint of length + 1), or null; checked against the bytes left like `nullableArray`. */
  compactArrayLength(): number | null {
    const length = this.uvarint() - 1;
    if (length === -1) return null;
    if (length > this.remaining) throw new MalformedRequestError(`invalid array length ${length}`);
    return length;
  }

  uuid(): string {
    this.require(16);
    const hex = this.buffer.toString('hex', this.position, this.position + 16);
    this.position += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Skips a tagged-field section (KIP-482): this broker reads no optional tagged field. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i += 1) {
      this.uvarint();
      const size = this.uvarint();
      this.require(size);
      this.position += size;
    }
  }

  private uint8(): number {
    this.require(1);
    const value = this.buffer.readUInt8(this.position);
    this.position += 1;
    return value;
  }

  private require(count: number): void {
    if (this.position + count > this.buffer.length) {
      throw new MalformedRequestError(
        `request truncated: wanted ${count} bytes at ${this.position}`,
      );
    }
  }
}
