import { ApiKey, defineApi } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import {
  array,
  bool,
  int16,
  int32,
  list,
  str,
  string,
  struct,
  uuid,
  ZERO_UUID,
} from './protocol-schema.codec';
import { isValidTopicName, Topic } from './topic.store';

const request = struct({
  topics: [array(struct({ topicId: [uuid, '10+'], name: [string('10+')] }), '1+')],
  allowAutoTopicCreation: [bool, '4+', true],
  includeClusterAuthorizedOperations: [bool, '8-10'],
  includeTopicAuthorizedOperations: [bool, '8+'],
});

const response = struct({
  throttleTimeMs: [int32, '3+'],
  brokers: [
    list(struct({ nodeId: [int32], host: [str], port: [int32], rack: [string('1+'), '1+'] })),
  ],
  clusterId: [string('2+'), '2+'],
  controllerId: [int32, '1+'],
  topics: [
    list(
      struct({
        errorCode: [int16],
        name: [string('12+')],
        topicId: [uuid, '10+'],
        isInternal: [bool, '1+'],
        partitions: [
          list(
            struct({
              errorCode: [int16],
              partitionIndex: [int32],
              leaderId: [int32],
              leaderEpoch: [int32, '7+'],
              replicaNodes: [list(int32)],
              isrNodes: [list(int32)],
              offlineReplicas: [list(int32), '5+'],
            }),
          ),
        ],
        topicAuthorizedOperations: [int32, '8+'],
      }),
    ),
  ],
  clusterAuthorizedOperations: [int32, '8-10'],
});

/** Kafka's "authorized operations not requested" marker. */
const OPERATIONS_OMITTED = -2147483648;

function resolveTopic(
  broker: BrokerContext,
  name: string | null,
  topicId: string,
  allowAutoCreate: boolean,
): { errorCode: number; name: string | null; topic: Topic | undefined } {
  if (name === null) {
    const topic = broker.topics.byId(topicId);
    const errorCode = topic === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.NONE;
    return { errorCode, name: topic?.name ?? null, topic };
  }
  if (!isValidTopicName(name))
    return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, topic: undefined };
  let topic = broker.topics.get(name);
  if (topic === undefined && allowAutoCreate && broker.settings.autoCreateTopics) {
    topic = broker.createTopic(name, broker.settings.defaultPartitions);
  }
  const errorCode = topic === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE;
  return { errorCode, name, topic };
}

/**
 * Metadata v0-v12. A null topic list means every topic; so does an empty one, which v0 defines
 * that way and kafkajs sends for "all" at v6 (a client asking for no topics just gets more).
 */
export const metadataApi = defineApi({
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleVersions: '9+',
  request,
  response,
  handle(req, { broker }) {
    const answers =
      req.topics === null || req.topics.length === 0
        ? broker.topics
            .list()
            .map((topic) => ({ errorCode: ErrorCode.NONE, name: topic.name, topic }))
        : req.topics.map((t) =>
            resolveTopic(broker, t.name, t.topicId, req.allowAutoTopicCreation),
          );
    const { nodeId, host, port } = broker.settings;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId: broker.identity.clusterId,
      controllerId: nodeId,
      topics: answers.map((answer) => ({
        errorCode: answer.errorCode,
        name: answer.name,
        topicId: answer.topic?.id ?? ZERO_UUID,
        isInternal: false,
        partitions: (answer.topic?.partitions ?? []).map((_, index) => ({
          errorCode: ErrorCode.NONE,
          partitionIndex: index,
          leaderId: nodeId,
          leaderEpoch: -1,
          replicaNodes: [nodeId],
          isrNodes: [nodeId],
          offlineReplicas: [],
        })),
        topicAuthorizedOperations: OPERATIONS_OMITTED,
      })),
      clusterAuthorizedOperations: OPERATIONS_OMITTED,
    };
  },
});
