import { ApiKey, defineApi } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { PartitionLog } from './partition-log.store';
import {
  array,
  Infer,
  int16,
  int32,
  int64,
  int8,
  list,
  records,
  str,
  struct,
} from './protocol-schema.codec';

const request = struct({
  replicaId: [int32],
  maxWaitMs: [int32],
  minBytes: [int32],
  maxBytes: [int32, '3+', 0x7fffffff],
  isolationLevel: [int8, '4+'],
  sessionId: [int32, '7+'],
  sessionEpoch: [int32, '7+', -1],
  topics: [
    list(
      struct({
        topic: [str],
        partitions: [
          list(
            struct({
              partition: [int32],
              currentLeaderEpoch: [int32, '9+', -1],
              fetchOffset: [int64],
              lastFetchedEpoch: [int32, '12+', -1],
              logStartOffset: [int64, '5+', -1],
              partitionMaxBytes: [int32],
            }),
          ),
        ],
      }),
    ),
  ],
  forgottenTopicsData: [list(struct({ topic: [str], partitions: [list(int32)] })), '7+'],
  rackId: [str, '11+'],
});

const response = struct({
  throttleTimeMs: [int32, '1+'],
  errorCode: [int16, '7+'],
  sessionId: [int32, '7+'],
  responses: [
    list(
      struct({
        topic: [str],
        partitions: [
          list(
            struct({
              partitionIndex: [int32],
              errorCode: [int16],
              highWatermark: [int64],
              lastStableOffset: [int64, '4+'],
              logStartOffset: [int64, '5+'],
              abortedTransactions: [
                array(struct({ producerId: [int64], firstOffset: [int64] }), '4+'),
                '4+',
              ],
              preferredReadReplica: [int32, '11+'],
              records: [records],
            }),
          ),
        ],
      }),
    ),
  ],
});

type FetchRequest = Infer<typeof request>;
type FetchResponse = Infer<typeof response>;

function partitionError(log: PartitionLog | undefined, fetchOffset: number): number {
  if (log === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (fetchOffset < log.logStartOffset || fetchOffset > log.highWatermark)
    return ErrorCode.OFFSET_OUT_OF_RANGE;
  return ErrorCode.NONE;
}

/** True once the answer should go out: enough bytes, an error to report, or no wait requested. */
function isReady(broker: BrokerContext, request: FetchRequest): boolean {
  if (request.maxWaitMs <= 0) return true;
  let available = 0;
  for (const topic of request.topics) {
    for (const { partition, fetchOffset } of topic.partitions) {
      const log = broker.topics.get(topic.topic)?.partitions[partition];
      if (log === undefined || partitionError(log, fetchOffset) !== ErrorCode.NONE) return true;
      available += log.bytesFrom(fetchOffset, request.minBytes - available);
      if (available >= request.minBytes) return true;
    }
  }
  return false;
}

/**
 * The response. Whole batches only; a partition's first batch is sent even past the partition
 * limit (as long as the response budget allows, or the response is still empty) so one large
 * batch can never stall a consumer.
 */
function buildResponse(broker: BrokerContext, request: FetchRequest): FetchResponse {
  let budget = request.maxBytes;
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: request.topics.map((topic) => ({
      topic: topic.topic,
      partitions: topic.partitions.map(({ partition, fetchOffset, partitionMaxBytes }) => {
        const log = broker.topics.get(topic.topic)?.partitions[partition];
        const errorCode = partitionError(log, fetchOffset);
        const hwm = log?.highWatermark ?? -1;
        const answer = {
          partitionIndex: partition,
          errorCode,
          highWatermark: hwm,
          lastStableOffset: hwm,
          logStartOffset: log?.logStartOffset ?? -1,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: [] as Buffer[],
        };
        if (log === undefined || errorCode !== ErrorCode.NONE || budget <= 0) return answer;
        const read = log.read(fetchOffset, Math.min(partitionMaxBytes, budget), true);
        const responseIsEmpty = budget === request.maxBytes;
        if (read.size > budget && !responseIsEmpty) return answer;
        budget -= read.size;
        answer.records = read.batches;
        return answer;
      }),
    })),
  };
}

/**
 * Fetch v4-v12 (v13 on name topics by id, which this broker's clients do not need), long-polling:
 * held until minBytes are available or maxWaitMs passes, never longer. No fetch sessions: every
 * answer carries session id 0, which tells clients to send full requests.
 */
export const fetchApi = defineApi({
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  flexibleVersions: '12+',
  request,
  response,
  handle(req, { broker, connection }) {
    if (isReady(broker, req)) return buildResponse(broker, req);
    const watched = new Set(
      req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\u0000${p.partition}`)),
    );
    return new Promise<FetchResponse | null>((resolve) => {
      let settled = false;
      const settle = (answer: () => FetchResponse | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        unregisterClose();
        resolve(answer());
      };
      const timer = setTimeout(() => settle(() => buildResponse(broker, req)), req.maxWaitMs);
      const unsubscribe = broker.appends.subscribe((topic, partition) => {
        if (watched.has(`${topic}\u0000${partition}`) && isReady(broker, req)) {
          settle(() => buildResponse(broker, req));
        }
      });
      const unregisterClose = connection.onClose(() => settle(() => null));
    });
  },
});
