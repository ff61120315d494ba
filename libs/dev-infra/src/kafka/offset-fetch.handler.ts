import { ApiKey, defineApi } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import {
  array,
  bool,
  int16,
  int32,
  int64,
  list,
  str,
  string,
  struct,
} from './protocol-schema.codec';

const topicRequest = struct({ name: [str], partitionIndexes: [list(int32)] });

const request = struct({
  groupId: [str, '0-7'],
  topics: [array(topicRequest, '2-7'), '0-7'],
  groups: [
    list(
      struct({
        groupId: [str],
        memberId: [string('9+'), '9+', null],
        memberEpoch: [int32, '9+', -1],
        topics: [array(topicRequest, '8+')],
      }),
    ),
    '8+',
  ],
  requireStable: [bool, '7+'],
});

const partitionResponse = struct({
  partitionIndex: [int32],
  committedOffset: [int64],
  committedLeaderEpoch: [int32, '5+'],
  metadata: [string('0+')],
  errorCode: [int16],
});

const topicResponse = struct({ name: [str], partitions: [list(partitionResponse)] });

const response = struct({
  throttleTimeMs: [int32, '3+'],
  topics: [list(topicResponse), '0-7'],
  errorCode: [int16, '2-7'],
  groups: [
    list(struct({ groupId: [str], topics: [list(topicResponse)], errorCode: [int16] })),
    '8+',
  ],
});

interface TopicPartitions {
  name: string;
  partitionIndexes: number[];
}

/** One group's committed offsets; a null topic list means everything the group committed. */
function fetchGroup(broker: BrokerContext, groupId: string, requested: TopicPartitions[] | null) {
  const topics =
    requested ??
    Object.entries(
      broker.groups.allCommitted(groupId).reduce<Record<string, number[]>>((acc, entry) => {
        (acc[entry.topic] ??= []).push(entry.partition);
        return acc;
      }, {}),
    ).map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  return topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitionIndexes.map((partitionIndex) => {
      const committed = broker.groups.committed(groupId, topic.name, partitionIndex);
      return {
        partitionIndex,
        committedOffset: committed.offset,
        committedLeaderEpoch: -1,
        metadata: committed.metadata,
        errorCode: ErrorCode.NONE,
      };
    }),
  }));
}

/** OffsetFetch v1-v9 (v8 on asks for several groups at once); `-1` where nothing is committed. */
export const offsetFetchApi = defineApi({
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  flexibleVersions: '6+',
  request,
  response,
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: fetchGroup(broker, req.groupId, req.topics),
      errorCode: ErrorCode.NONE,
      groups: req.groups.map((group) => ({
        groupId: group.groupId,
        topics: fetchGroup(broker, group.groupId, group.topics),
        errorCode: ErrorCode.NONE,
      })),
    };
  },
});
