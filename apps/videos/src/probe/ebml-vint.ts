/** A variable-length integer of EBML (RFC 8794 section 4). */
export interface Vint {
  length: number;
  /** The value with the length marker removed; null for "unknown" (all value bits set). */
  value: number | null;
  /** The raw bytes as upper-case hex, marker included: how element ids are written. */
  hex: string;
}

/** Reads a vint at `offset`; undefined when more bytes are needed, null when it is malformed. */
export function readVint(bytes: Buffer, offset: number): Vint | null | undefined {
  if (offset >= bytes.length) return undefined;
  const first = bytes[offset] ?? 0;
  if (first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (offset + length > bytes.length) return undefined;
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[offset + i] ?? 0;
    if (byte !== 0xff) allOnes = false;
    // Multiplication, not shifts: sizes go past 32 bits (up to 2^53, JavaScript's exact limit).
    value = value * 256 + byte;
  }
  return {
    length,
    value: allOnes ? null : value,
    hex: bytes.toString('hex', offset, offset + length).toUpperCase(),
  };
}
