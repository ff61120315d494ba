/** Cuts a stream of buffers into pieces of exactly `size` bytes (the last may be shorter). */
export class Rechunker {
  private parts: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly size: number) {}

  /** The full pieces the new bytes complete; the remainder waits for more. */
  push(bytes: Buffer): Buffer[] {
    this.parts.push(bytes);
    this.buffered += bytes.length;
    const pieces: Buffer[] = [];
    if (this.buffered < this.size) return pieces;
    let joined = Buffer.concat(this.parts, this.buffered);
    while (joined.length >= this.size) {
      pieces.push(joined.subarray(0, this.size));
      joined = joined.subarray(this.size);
    }
    this.parts = joined.length > 0 ? [joined] : [];
    this.buffered = joined.length;
    return pieces;
  }

  /** What is left once the stream has ended. */
  flush(): Buffer | null {
    if (this.buffered === 0) return null;
    const rest = Buffer.concat(this.parts, this.buffered);
    this.parts = [];
    this.buffered = 0;
    return rest;
  }
}
