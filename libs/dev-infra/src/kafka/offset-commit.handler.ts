import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, int64, list, str, string, struct } from './protocol-schema.codec';

const request = struct({
  groupId: [str],
  generationIdOrMemberEpoch: [int32, '1+', -1],
  memberId: [str, '1+'],
  groupInstanceId: [string('7+'), '7+', null],
  retentionTimeMs: [int64, '2-4', -1],
  topics: [
    list(
      struct({
        name: [str],
        partitions: [
          list(
            struct({
              partitionIndex: [int32],
              committedOffset: [int64],
              committedLeaderEpoch: [int32, '6+', -1],
              commitTimestamp: [int64, '1', -1],
              committedMetadata: [string('0+')],
            }),
          ),
        ],
      }),
    ),
  ],
});

const response = struct({
  throttleTimeMs: [int32, '3+'],
  topics: [
    list(
      struct({
        name: [str],
        partitions: [list(struct({ partitionIndex: [int32], errorCode: [int16] }))],
      }),
    ),
  ],
});

/**
 * OffsetCommit v0-v9: fenced by member id and generation, like Kafka, so a stale member cannot
 * commit; v0 (no generation) commits like a "simple" consumer.
 */
export const offsetCommitApi = defineApi({
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  flexibleVersions: '8+',
  request,
  response,
  handle(req, { broker }) {
    const unknown = (topic: string, partition: number): boolean =>
      broker.topics.get(topic)?.partitions[partition] === undefined;
    const entries = req.topics.flatMap((t) =>
      t.partitions
        .filter((p) => !unknown(t.name, p.partitionIndex))
        .map((p) => ({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          metadata: p.committedMetadata,
        })),
    );
    const errorCode =
      req.groupId === ''
        ? ErrorCode.INVALID_GROUP_ID
        : broker.groups.commit(req.groupId, req.memberId, req.generationIdOrMemberEpoch, entries);
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map(({ partitionIndex }) => ({
          partitionIndex,
          errorCode: unknown(topic.name, partitionIndex)
            ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : errorCode,
        })),
      })),
    };
  },
});
