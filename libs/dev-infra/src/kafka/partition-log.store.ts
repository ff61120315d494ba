import * as fs from 'node:fs';
import { readBatchHeader, RecordBatchHeader, setBaseOffset } from './record-batch.codec';

export interface StoredBatch {
  baseOffset: number;
  /** Offset one past the last record of the batch. */
  nextOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

export interface LogRead {
  batches: Buffer[];
  size: number;
}

/**
 * One partition's log: record batches kept as the producer sent them, with only baseOffset
 * rewritten. With a file, every append is also written through so a restart can reload it.
 */
export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private next = 0;
  private fd: number | null = null;

  /** Opens (and, if present, reloads) the log at `path`; a null path keeps it in memory only. */
  constructor(path: string | null) {
    if (path !== null) {
      this.load(path);
      this.fd = fs.openSync(path, 'a');
    }
  }

  get highWatermark(): number {
    return this.next;
  }

  get logStartOffset(): number {
    return this.batches.length > 0 ? this.batches[0].baseOffset : this.next;
  }

  /** Appends a validated batch (copied, so the request buffer can be released); returns its base offset. */
  append(batch: Buffer, header: RecordBatchHeader): number {
    const bytes = Buffer.from(batch);
    const baseOffset = this.next;
    setBaseOffset(bytes, baseOffset);
    this.next = baseOffset + header.lastOffsetDelta + 1;
    this.batches.push({
      baseOffset,
      nextOffset: this.next,
      maxTimestamp: header.maxTimestamp,
      bytes,
    });
    if (this.fd !== null) fs.writeSync(this.fd, bytes);
    return baseOffset;
  }

  /**
   * Whole batches from the one holding `offset`, up to `limit` bytes; with `atLeastOne` the first
   * batch is returned even when larger, so a consumer always makes progress.
   */
  read(offset: number, limit: number, atLeastOne: boolean): LogRead {
    const result: LogRead = { batches: [], size: 0 };
    for (let i = this.indexFor(offset); i < this.batches.length; i += 1) {
      const { bytes } = this.batches[i];
      const fits = result.size + bytes.length <= limit;
      if (!fits && !(atLeastOne && result.batches.length === 0)) break;
      result.batches.push(bytes);
      result.size += bytes.length;
    }
    return result;
  }

  /** Bytes readable from `offset`, counting no further than `cap` (enough to decide minBytes). */
  bytesFrom(offset: number, cap: number): number {
    let total = 0;
    for (let i = this.indexFor(offset); i < this.batches.length && total < cap; i += 1) {
      total += this.batches[i].bytes.length;
    }
    return total;
  }

  /** Base offset of the first batch holding a record at or after `timestamp`, or -1 when none does. */
  offsetForTimestamp(timestamp: number): number {
    const batch = this.batches.find((candidate) => candidate.maxTimestamp >= timestamp);
    return batch === undefined ? -1 : batch.baseOffset;
  }

  /** The batch holding the largest timestamp (ListOffsets -3), at batch granularity. */
  maxTimestampEntry(): { timestamp: number; offset: number } {
    let best: StoredBatch | undefined;
    for (const batch of this.batches) {
      if (best === undefined || batch.maxTimestamp > best.maxTimestamp) best = batch;
    }
    return best === undefined
      ? { timestamp: -1, offset: -1 }
      : { timestamp: best.maxTimestamp, offset: best.nextOffset - 1 };
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private indexFor(offset: number): number {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.batches[mid].nextOffset <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private load(path: string): void {
    if (!fs.existsSync(path)) return;
    const data = fs.readFileSync(path);
    let offset = 0;
    for (;;) {
      const header = readBatchHeader(data, offset);
      if (header === null || offset + header.size > data.length || header.size <= 0) break;
      const bytes = data.subarray(offset, offset + header.size);
      this.batches.push({
        baseOffset: header.baseOffset,
        nextOffset: header.baseOffset + header.lastOffsetDelta + 1,
        maxTimestamp: header.maxTimestamp,
        bytes,
      });
      this.next = header.baseOffset + header.lastOffsetDelta + 1;
      offset += header.size;
    }
    // A crash mid-write leaves a torn batch at the end; drop it like Kafka's log recovery does.
    if (offset < data.length) fs.truncateSync(path, offset);
  }
}
