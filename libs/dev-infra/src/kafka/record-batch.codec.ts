import { crc32c } from './crc32c.util';

// Byte positions inside a RecordBatch (magic 2); everything up to the record count is fixed size.
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const FIRST_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
const RECORD_COUNT = 57;
/** Size of the fixed RecordBatch header, up to and including the record count. */
export const RECORD_BATCH_HEADER_SIZE = 61;
// The batchLength field counts the bytes after itself.
const LENGTH_PREFIX = 12;

const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export interface RecordBatchHeader {
  baseOffset: number;
  /** Whole batch size in bytes, including baseOffset and batchLength. */
  size: number;
  magic: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  isTransactional: boolean;
  isControl: boolean;
}

export type BatchProblem = 'truncated' | 'unsupported-magic' | 'bad-length' | 'bad-crc';

export type SplitResult =
  | { ok: true; batches: { header: RecordBatchHeader; bytes: Buffer }[] }
  | { ok: false; problem: BatchProblem };

/** Reads the fixed header of the batch starting at `offset`, or null when too few bytes remain. */
export function readBatchHeader(data: Buffer, offset = 0): RecordBatchHeader | null {
  if (data.length - offset < RECORD_BATCH_HEADER_SIZE) return null;
  const attributes = data.readInt16BE(offset + ATTRIBUTES);
  return {
    baseOffset: Number(data.readBigInt64BE(offset + BASE_OFFSET)),
    size: data.readInt32BE(offset + BATCH_LENGTH) + LENGTH_PREFIX,
    magic: data.readInt8(offset + MAGIC),
    attributes,
    lastOffsetDelta: data.readInt32BE(offset + LAST_OFFSET_DELTA),
    firstTimestamp: Number(data.readBigInt64BE(offset + FIRST_TIMESTAMP)),
    maxTimestamp: Number(data.readBigInt64BE(offset + MAX_TIMESTAMP)),
    producerId: Number(data.readBigInt64BE(offset + PRODUCER_ID)),
    producerEpoch: data.readInt16BE(offset + PRODUCER_EPOCH),
    baseSequence: data.readInt32BE(offset + BASE_SEQUENCE),
    recordCount: data.readInt32BE(offset + RECORD_COUNT),
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
  };
}

/**
 * Splits a produced record set into its batches and validates each one (magic 2, consistent
 * lengths, CRC-32C). Records are never decoded: compression and headers stay opaque.
 */
export function splitRecordSet(records: Buffer, verifyCrc = true): SplitResult {
  const batches: { header: RecordBatchHeader; bytes: Buffer }[] = [];
  let offset = 0;
  while (offset < records.length) {
    const header = readBatchHeader(records, offset);
    if (header === null) return { ok: false, problem: 'truncated' };
    if (header.magic !== 2) return { ok: false, problem: 'unsupported-magic' };
    if (
      header.size < RECORD_BATCH_HEADER_SIZE ||
      header.recordCount < 0 ||
      header.lastOffsetDelta < 0
    ) {
      return { ok: false, problem: 'bad-length' };
    }
    if (offset + header.size > records.length) return { ok: false, problem: 'truncated' };
    const crc = records.readUInt32BE(offset + CRC);
    if (verifyCrc && crc32c(records, offset + ATTRIBUTES, offset + header.size) !== crc) {
      return { ok: false, problem: 'bad-crc' };
    }
    batches.push({ header, bytes: records.subarray(offset, offset + header.size) });
    offset += header.size;
  }
  return { ok: true, batches };
}

/** Writes the log offset of a batch in place; the CRC starts after it, so it stays valid. */
export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET);
}
