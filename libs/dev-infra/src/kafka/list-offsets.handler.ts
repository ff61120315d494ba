import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { PartitionLog } from './partition-log.store';
import { int16, int32, int64, int8, list, str, struct } from './protocol-schema.codec';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

const request = struct({
  replicaId: [int32],
  isolationLevel: [int8, '2+'],
  topics: [
    list(
      struct({
        name: [str],
        partitions: [
          list(
            struct({
              partitionIndex: [int32],
              currentLeaderEpoch: [int32, '4+', -1],
              timestamp: [int64],
            }),
          ),
        ],
      }),
    ),
  ],
  timeoutMs: [int32, '10+'],
});

const response = struct({
  throttleTimeMs: [int32, '2+'],
  topics: [
    list(
      struct({
        name: [str],
        partitions: [
          list(
            struct({
              partitionIndex: [int32],
              errorCode: [int16],
              timestamp: [int64],
              offset: [int64],
              leaderEpoch: [int32, '4+'],
            }),
          ),
        ],
      }),
    ),
  ],
});

function lookup(log: PartitionLog, timestamp: number): { timestamp: number; offset: number } {
  if (timestamp === LATEST) return { timestamp: -1, offset: log.highWatermark };
  if (timestamp === MAX_TIMESTAMP) return log.maxTimestampEntry();
  // -4 (earliest local) and -5 (earliest pending upload) name tiered storage, which is all local here.
  if (timestamp === EARLIEST || timestamp < 0) return { timestamp: -1, offset: log.logStartOffset };
  // Batches are not decompressed, so a timestamp resolves to the first batch that reaches it.
  const offset = log.offsetForTimestamp(timestamp);
  return { timestamp: offset === -1 ? -1 : timestamp, offset };
}

/**
 * ListOffsets v1-v10: latest (-1), earliest (-2, and the tiered-storage variants -4/-5), the
 * largest timestamp (-3), or by timestamp, at batch granularity.
 */
export const listOffsetsApi = defineApi({
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  flexibleVersions: '6+',
  request,
  response,
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map(({ partitionIndex, timestamp }) => {
          const log = broker.topics.get(topic.name)?.partitions[partitionIndex];
          if (log === undefined) {
            return {
              partitionIndex,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
              leaderEpoch: -1,
            };
          }
          const found = lookup(log, timestamp);
          return { partitionIndex, errorCode: ErrorCode.NONE, ...found, leaderEpoch: -1 };
        }),
      })),
    };
  },
});
