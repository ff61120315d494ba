import { UnprocessableVideoError } from './probe-result';

/** One element (MP4 box or EBML element) as its header describes it. */
export interface ElementHeader {
  id: string;
  headerSize: number;
  /** Null when the header says "until the end of the parent" (unknown size). */
  bodySize: number | null;
}

/** What to do with an element's body: keep it, walk past it, or read its children as siblings. */
export type ElementAction = 'capture' | 'skip' | 'descend';

type Mode =
  | { kind: 'header' }
  | { kind: 'skip'; remaining: number }
  | { kind: 'capture'; header: ElementHeader; remaining: number; parts: Buffer[] };

/**
 * Walks a container's elements as bytes stream by, without ever holding more than one header
 * and the bodies it was asked to capture (each at most `captureLimit` bytes). Skipped bodies —
 * the media data, i.e. almost all of the file — are counted, never kept, so memory stays flat
 * whatever the file size and wherever the metadata sits (start, end or between clusters).
 */
export abstract class ElementScanner {
  private pending: Buffer = Buffer.alloc(0);
  private mode: Mode = { kind: 'header' };
  /** Bytes consumed so far (the offset in the file of the next unread byte). */
  protected offset = 0;

  protected constructor(private readonly captureLimit: number) {}

  /** Parses a header at the start of `bytes`; null when more bytes are needed. */
  protected abstract readHeader(bytes: Buffer): ElementHeader | null;
  protected abstract actionFor(header: ElementHeader, start: number): ElementAction;
  protected abstract captured(header: ElementHeader, body: Buffer): void;

  push(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      const mode = this.mode;
      if (mode.kind === 'skip') {
        const taken = Math.min(mode.remaining, data.length);
        mode.remaining -= taken;
        this.offset += taken;
        data = data.subarray(taken);
        if (mode.remaining === 0) this.mode = { kind: 'header' };
      } else if (mode.kind === 'capture') {
        const taken = Math.min(mode.remaining, data.length);
        // Copied: the caller reuses nothing, but a view would pin the whole chunk it came from.
        mode.parts.push(Buffer.from(data.subarray(0, taken)));
        mode.remaining -= taken;
        this.offset += taken;
        data = data.subarray(taken);
        if (mode.remaining === 0) {
          this.mode = { kind: 'header' };
          this.captured(mode.header, Buffer.concat(mode.parts));
        }
      } else {
        data = this.consumeHeader(data);
      }
    }
  }

  /** True when the stream ended exactly at an element boundary. */
  protected atBoundary(): boolean {
    return this.mode.kind === 'header' && this.pending.length === 0;
  }

  /** Ends an element whose size was unknown and that runs to the end of the file. */
  protected endOpenElement(): void {
    const mode = this.mode;
    if (mode.kind === 'skip' && mode.remaining === Number.POSITIVE_INFINITY) {
      this.mode = { kind: 'header' };
    }
    if (mode.kind === 'capture' && mode.remaining === Number.POSITIVE_INFINITY) {
      this.mode = { kind: 'header' };
      this.captured(mode.header, Buffer.concat(mode.parts));
    }
  }

  private consumeHeader(data: Buffer): Buffer {
    // Headers are at most 16 bytes (MP4 large size) or 12 (EBML): only those few are buffered.
    const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
    const header = this.readHeader(joined);
    if (!header) {
      this.pending = Buffer.from(joined);
      return Buffer.alloc(0);
    }
    const start = this.offset;
    const consumedFromData = header.headerSize - this.pending.length;
    this.pending = Buffer.alloc(0);
    this.offset += header.headerSize;
    const action = this.actionFor(header, start);
    const size = header.bodySize ?? Number.POSITIVE_INFINITY;
    if (action === 'capture') {
      if (size > this.captureLimit) {
        throw new UnprocessableVideoError(`${header.id} is larger than ${this.captureLimit} bytes`);
      }
      this.mode =
        size === 0 ? { kind: 'header' } : { kind: 'capture', header, remaining: size, parts: [] };
      if (size === 0) this.captured(header, Buffer.alloc(0));
    } else if (action === 'skip' && size > 0) {
      this.mode = { kind: 'skip', remaining: size };
    }
    return data.subarray(consumedFromData);
  }
}
