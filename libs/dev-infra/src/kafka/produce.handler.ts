import { ApiHandler, ApiKey } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';
import { splitRecordSet } from './record-batch.codec';

interface PartitionOutcome {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

/** Appends one partition's record set; a batch is stored as sent, only its baseOffset changes. */
function appendRecords(
  broker: BrokerContext,
  topicName: string,
  partition: number,
  records: Buffer,
): PartitionOutcome {
  const fail = (errorCode: number): PartitionOutcome => ({
    partition,
    errorCode,
    baseOffset: -1,
    logStartOffset: -1,
  });
  const log = broker.topics.get(topicName)?.partitions[partition];
  if (log === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const split = splitRecordSet(records);
  if (!split.ok) {
    return fail(
      split.problem === 'unsupported-magic'
        ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
        : ErrorCode.CORRUPT_MESSAGE,
    );
  }
  if (split.batches.some((batch) => batch.header.isTransactional || batch.header.isControl)) {
    return fail(ErrorCode.INVALID_REQUEST);
  }
  const key = `${topicName}\u0000${partition}`;
  let firstOffset = -1;
  for (const { header, bytes } of split.batches) {
    const verdict = broker.sequences.check(key, header);
    if (verdict.kind === 'error') return fail(verdict.errorCode);
    const baseOffset =
      verdict.kind === 'duplicate' ? verdict.baseOffset : log.append(bytes, header);
    if (verdict.kind === 'append') broker.sequences.record(key, header, baseOffset);
    if (firstOffset === -1) firstOffset = baseOffset;
  }
  if (split.batches.length > 0) broker.appends.notify(topicName, partition);
  return {
    partition,
    errorCode: ErrorCode.NONE,
    baseOffset: firstOffset,
    logStartOffset: log.logStartOffset,
  };
}

/** Produce v7 (RecordBatch). acks=0 gets no answer at all, as the protocol requires. */
export const produceApi: ApiHandler = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 7,
  maxVersion: 7,
  handle({ body, broker }) {
    const transactionalId = body.nullableString();
    const acks = body.int16();
    body.int32();
    const topics = body.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ partition: p.int32(), records: p.bytes() })),
    }));
    const results = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partition, records }) =>
        transactionalId !== null
          ? { partition, errorCode: ErrorCode.INVALID_REQUEST, baseOffset: -1, logStartOffset: -1 }
          : appendRecords(broker, topic.name, partition, records),
      ),
    }));
    if (acks === 0) return null;
    return new ProtocolWriter(64)
      .array(results, (w, topic) =>
        w
          .string(topic.name)
          .array(topic.partitions, (pw, p) =>
            pw
              .int32(p.partition)
              .int16(p.errorCode)
              .int64(p.baseOffset)
              .int64(-1)
              .int64(p.logStartOffset),
          ),
      )
      .int32(0)
      .toBuffer();
  },
};
