import { ErrorCode } from './error-codes.constants';
import { RecordBatchHeader } from './record-batch.codec';

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number };

interface AppendedBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerState {
  epoch: number;
  /** The last five batches, as Kafka keeps, so a retried batch is recognised and not written twice. */
  recent: AppendedBatch[];
}

const REMEMBERED_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

function lastSequenceOf(header: RecordBatchHeader): number {
  return (header.baseSequence + header.lastOffsetDelta) % (MAX_SEQUENCE + 1);
}

/** Per-partition sequence tracking for idempotent producers (producerId >= 0). */
export class ProducerSequences {
  private readonly partitions = new Map<string, Map<number, ProducerState>>();

  check(partitionKey: string, header: RecordBatchHeader): SequenceVerdict {
    if (header.producerId < 0) return { kind: 'append' };
    const state = this.partitions.get(partitionKey)?.get(header.producerId);
    // Unknown producer (new, or state lost with a restart): accept, as there is nothing to compare.
    if (state === undefined) return { kind: 'append' };
    if (header.producerEpoch < state.epoch)
      return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (header.producerEpoch > state.epoch) {
      return header.baseSequence === 0
        ? { kind: 'append' }
        : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    const duplicate = state.recent.find(
      (batch) =>
        batch.firstSequence === header.baseSequence &&
        batch.lastSequence === lastSequenceOf(header),
    );
    if (duplicate !== undefined) return { kind: 'duplicate', baseOffset: duplicate.baseOffset };
    const last = state.recent[state.recent.length - 1];
    const expected = last === undefined ? 0 : (last.lastSequence + 1) % (MAX_SEQUENCE + 1);
    return header.baseSequence === expected
      ? { kind: 'append' }
      : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  record(partitionKey: string, header: RecordBatchHeader, baseOffset: number): void {
    if (header.producerId < 0) return;
    let producers = this.partitions.get(partitionKey);
    if (producers === undefined) this.partitions.set(partitionKey, (producers = new Map()));
    let state = producers.get(header.producerId);
    if (state === undefined || state.epoch !== header.producerEpoch) {
      state = { epoch: header.producerEpoch, recent: [] };
      producers.set(header.producerId, state);
    }
    state.recent.push({
      firstSequence: header.baseSequence,
      lastSequence: lastSequenceOf(header),
      baseOffset,
    });
    if (state.recent.length > REMEMBERED_BATCHES) state.recent.shift();
  }
}
