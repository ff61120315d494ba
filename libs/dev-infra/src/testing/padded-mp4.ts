/** An ISO BMFF `free` box header announcing `bodySize` bytes of padding (64-bit size). */
export function freeBoxHeader(bodySize: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(bodySize + 16), 8);
  return header;
}

/**
 * A valid MP4 of any size without holding it: a real clip followed by a `free` box of
 * `paddingBytes` (players and the probe skip it), yielded in chunks from one reused buffer.
 */
export function* paddedMp4(
  clip: Buffer,
  paddingBytes: number,
  chunkSize = 1024 * 1024,
): Generator<Buffer> {
  yield clip;
  yield freeBoxHeader(paddingBytes);
  const zeros = Buffer.alloc(chunkSize);
  for (let left = paddingBytes; left > 0; left -= chunkSize) {
    yield left >= chunkSize ? zeros : zeros.subarray(0, left);
  }
}

/** The byte size of `paddedMp4(clip, paddingBytes)`. */
export function paddedMp4Size(clip: Buffer, paddingBytes: number): number {
  return clip.length + 16 + paddingBytes;
}
