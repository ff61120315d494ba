import { ApiKey, defineApi } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import {
  array,
  bool,
  Infer,
  int16,
  int32,
  int8,
  list,
  str,
  string,
  struct,
  uuid,
  ZERO_UUID,
} from './protocol-schema.codec';
import { isValidTopicName } from './topic.store';

const request = struct({
  topics: [
    list(
      struct({
        name: [str],
        numPartitions: [int32],
        replicationFactor: [int16],
        assignments: [list(struct({ partitionIndex: [int32], brokerIds: [list(int32)] }))],
        configs: [list(struct({ name: [str], value: [string('0+')] }))],
      }),
    ),
  ],
  timeoutMs: [int32],
  validateOnly: [bool, '1+'],
});

const response = struct({
  throttleTimeMs: [int32, '2+'],
  topics: [
    list(
      struct({
        name: [str],
        topicId: [uuid, '7+'],
        errorCode: [int16],
        errorMessage: [string('0+'), '1+'],
        numPartitions: [int32, '5+'],
        replicationFactor: [int16, '5+'],
        configs: [
          array(
            struct({
              name: [str],
              value: [string('5+')],
              readOnly: [bool],
              configSource: [int8],
              isSensitive: [bool],
            }),
            '5+',
          ),
          '5+',
        ],
      }),
    ),
  ],
});

type CreatableTopic = Infer<typeof request>['topics'][number];

interface CreateOutcome {
  name: string;
  errorCode: number;
  message: string | null;
  topicId: string;
  partitions: number;
}

function create(
  broker: BrokerContext,
  topic: CreatableTopic,
  validateOnly: boolean,
): CreateOutcome {
  const fail = (errorCode: number, message: string): CreateOutcome => ({
    name: topic.name,
    errorCode,
    message,
    topicId: ZERO_UUID,
    partitions: -1,
  });
  if (!isValidTopicName(topic.name))
    return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name ${topic.name}`);
  if (broker.topics.get(topic.name) !== undefined) {
    return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${topic.name} already exists`);
  }
  // -1 asks for the broker default (KIP-464); explicit assignments fix the count themselves.
  const partitions =
    topic.assignments.length > 0
      ? topic.assignments.length
      : topic.numPartitions === -1
        ? broker.settings.defaultPartitions
        : topic.numPartitions;
  if (partitions < 1)
    return fail(ErrorCode.INVALID_PARTITIONS, 'number of partitions must be at least 1');
  if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'replication factor must be 1 on a single-node broker',
    );
  }
  const configs = Object.fromEntries(topic.configs.map((c) => [c.name, c.value]));
  const topicId = validateOnly ? ZERO_UUID : broker.createTopic(topic.name, partitions, configs).id;
  return { name: topic.name, errorCode: ErrorCode.NONE, message: null, topicId, partitions };
}

/** Where a config value comes from, as DescribeConfigs and CreateTopics v5+ report it. */
const DYNAMIC_TOPIC_CONFIG = 1;

/** CreateTopics v0-v7. */
export const createTopicsApi = defineApi({
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  flexibleVersions: '5+',
  request,
  response,
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((topic) => {
        const outcome = create(broker, topic, req.validateOnly);
        const ok = outcome.errorCode === ErrorCode.NONE;
        return {
          name: outcome.name,
          topicId: outcome.topicId,
          errorCode: outcome.errorCode,
          errorMessage: outcome.message,
          numPartitions: outcome.partitions,
          replicationFactor: ok ? 1 : -1,
          configs: ok
            ? topic.configs.map((c) => ({
                name: c.name,
                value: c.value,
                readOnly: false,
                configSource: DYNAMIC_TOPIC_CONFIG,
                isSensitive: false,
              }))
            : null,
        };
      }),
    };
  },
});
