import { MalformedRequestError, ProtocolReader } from './protocol-reader.codec';
import { ProtocolWriter } from './protocol-writer.codec';

describe('protocol primitives', () => {
  it('round-trips every primitive the broker uses', () => {
    const bytes = new ProtocolWriter(4)
      .int8(-3)
      .int16(-300)
      .int32(123456789)
      .int64(2 ** 40 + 5)
      .boolean(true)
      .string('héllo')
      .nullableString(null)
      .bytes(Buffer.from([1, 2, 3]))
      .bytes(null)
      .int32Array([7, 8])
      .toBuffer();
    const reader = new ProtocolReader(bytes);
    expect([
      reader.int8(),
      reader.int16(),
      reader.int32(),
      reader.int64(),
      reader.boolean(),
    ]).toEqual([-3, -300, 123456789, 2 ** 40 + 5, true]);
    expect(reader.string()).toBe('héllo');
    expect(reader.nullableString()).toBeNull();
    expect([...reader.bytes()]).toEqual([1, 2, 3]);
    expect(reader.nullableBytes()).toBeNull();
    expect(reader.array((r) => r.int32())).toEqual([7, 8]);
    expect(reader.remaining).toBe(0);
  });

  it('reports a null array distinctly from an empty one', () => {
    const reader = new ProtocolReader(new ProtocolWriter().int32(-1).int32(0).toBuffer());
    expect(reader.nullableArray((r) => r.int8())).toBeNull();
    expect(reader.nullableArray((r) => r.int8())).toEqual([]);
  });

  it('throws MalformedRequestError on truncated input instead of reading past the end', () => {
    const reader = new ProtocolReader(new ProtocolWriter().int16(10).toBuffer());
    expect(() => reader.string()).toThrow(MalformedRequestError);
  });

  it('rejects an array length larger than the bytes that follow before allocating', () => {
    const reader = new ProtocolReader(new ProtocolWriter().int32(1_000_000_000).toBuffer());
    expect(() => reader.array((r) => r.int32())).toThrow(MalformedRequestError);
  });
});
