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

  private require(count: number): void {
    if (this.position + count > this.buffer.length) {
      throw new MalformedRequestError(
        `request truncated: wanted ${count} bytes at ${this.position}`,
      );
    }
  }
}
