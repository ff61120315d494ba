import { createRequire } from 'node:module';
import { crc32c } from './crc32c.util';
import { RECORD_BATCH_HEADER_SIZE, setBaseOffset, splitRecordSet } from './record-batch.codec';
import {
  KafkajsCompression,
  kafkajsDecodeBatch,
  kafkajsRecordBatch,
} from './testing/kafkajs-oracle.helpers';

const kafkajsCrc32c = createRequire(__filename)('kafkajs/src/protocol/recordBatch/crc32C') as (
  data: Buffer,
) => number;

describe('record batch codec', () => {
  it('computes the same CRC-32C as kafkajs', () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog, twice over');
    expect(crc32c(data)).toBe(kafkajsCrc32c(data));
  });

  it('reads the header of a kafkajs batch without touching the records', async () => {
    const batch = await kafkajsRecordBatch(
      [{ key: 'k', value: 'a' }, { value: 'b' }, { value: 'c' }],
      {
        producerId: 42,
        firstSequence: 7,
      },
    );
    const split = splitRecordSet(batch);
    if (!split.ok) throw new Error(split.problem);
    expect(split.batches).toHaveLength(1);
    expect(split.batches[0].header).toMatchObject({
      magic: 2,
      size: batch.length,
      lastOffsetDelta: 2,
      recordCount: 3,
      producerId: 42,
      baseSequence: 7,
      isTransactional: false,
    });
  });

  it('splits a record set holding several batches', async () => {
    const first = await kafkajsRecordBatch([{ value: 'x' }]);
    const second = await kafkajsRecordBatch([{ value: 'y' }, { value: 'z' }]);
    const split = splitRecordSet(Buffer.concat([first, second]));
    expect(split.ok && split.batches.map((b) => b.header.recordCount)).toEqual([1, 2]);
  });

  it('rejects a batch whose CRC does not match', async () => {
    const batch = await kafkajsRecordBatch([{ value: 'payload' }]);
    batch[batch.length - 2] ^= 0xff;
    expect(splitRecordSet(batch)).toEqual({ ok: false, problem: 'bad-crc' });
  });

  it('rejects a truncated batch and an old message format', async () => {
    const batch = await kafkajsRecordBatch([{ value: 'payload' }]);
    expect(splitRecordSet(batch.subarray(0, batch.length - 1))).toEqual({
      ok: false,
      problem: 'truncated',
    });
    expect(splitRecordSet(batch.subarray(0, RECORD_BATCH_HEADER_SIZE - 1))).toEqual({
      ok: false,
      problem: 'truncated',
    });
    const old = Buffer.from(batch);
    old[16] = 1;
    expect(splitRecordSet(old)).toEqual({ ok: false, problem: 'unsupported-magic' });
  });

  it('rewrites the base offset and keeps the batch valid for kafkajs, gzip and headers included', async () => {
    const batch = await kafkajsRecordBatch(
      [
        { key: 'user-1', value: 'first', headers: { trace: 't-1' } },
        { key: 'user-2', value: 'second', headers: { trace: 't-2' } },
      ],
      { compression: KafkajsCompression.GZIP },
    );
    setBaseOffset(batch, 1234);
    expect(splitRecordSet(batch).ok).toBe(true);
    const decoded = await kafkajsDecodeBatch(batch);
    expect(decoded.records.map((r) => r.offset)).toEqual(['1234', '1235']);
    expect(decoded.records.map((r) => r.key?.toString())).toEqual(['user-1', 'user-2']);
    expect(decoded.records[1].headers.trace.toString()).toBe('t-2');
  });
});
