import { ApiKey, defineApi } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, int64, list, records, str, string, struct } from './protocol-schema.codec';
import { splitRecordSet } from './record-batch.codec';
import { logTransactionsRefused, TRANSACTIONS_REFUSAL } from './transactions-refusal';

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

const request = struct({
  transactionalId: [string('3+'), '3+', null],
  acks: [int16],
  timeoutMs: [int32],
  topicData: [
    list(
      struct({
        name: [str],
        partitionData: [list(struct({ index: [int32], records: [records] }))],
      }),
    ),
  ],
});

const response = struct({
  responses: [
    list(
      struct({
        name: [str],
        partitionResponses: [
          list(
            struct({
              index: [int32],
              errorCode: [int16],
              baseOffset: [int64],
              logAppendTimeMs: [int64, '2+'],
              logStartOffset: [int64, '5+'],
              recordErrors: [
                list(struct({ batchIndex: [int32], batchIndexErrorMessage: [string('8+')] })),
                '8+',
              ],
              errorMessage: [string('8+'), '8+'],
            }),
          ),
        ],
      }),
    ),
  ],
  throttleTimeMs: [int32, '1+'],
});

/**
 * Produce v3-v11 (RecordBatch, magic 2, is what v3 introduced; older versions carry message sets
 * this broker does not store). acks=0 gets no answer at all, as the protocol requires.
 */
export const produceApi = defineApi({
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 11,
  flexibleVersions: '9+',
  request,
  response,
  handle(req, { broker, header }) {
    const transactional = req.transactionalId !== null;
    if (req.transactionalId !== null) {
      logTransactionsRefused(broker, 'Produce', req.transactionalId, header.clientId);
    }
    const responses = req.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map(({ index, records: sets }) => {
        const outcome = transactional
          ? {
              partition: index,
              errorCode: TRANSACTIONS_REFUSAL.errorCode,
              baseOffset: -1,
              logStartOffset: -1,
            }
          : appendRecords(broker, topic.name, index, sets[0] ?? Buffer.alloc(0));
        return {
          index,
          errorCode: outcome.errorCode,
          baseOffset: outcome.baseOffset,
          logAppendTimeMs: -1,
          logStartOffset: outcome.logStartOffset,
          recordErrors: [],
          errorMessage: transactional ? TRANSACTIONS_REFUSAL.message : null,
        };
      }),
    }));
    if (req.acks === 0) return null;
    return { responses, throttleTimeMs: 0 };
  },
});
