import { ApiHandler, ApiKey } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { ProtocolReader } from './protocol-reader.codec';
import { ProtocolWriter } from './protocol-writer.codec';
import { isValidTopicName } from './topic.store';

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: number;
  configs: Record<string, string | null>;
}

interface CreateOutcome {
  name: string;
  errorCode: number;
  message: string | null;
}

function readTopic(r: ProtocolReader): CreatableTopic {
  const name = r.string();
  const numPartitions = r.int32();
  const replicationFactor = r.int16();
  const assignments = r.array((a) => {
    a.int32();
    return a.array((b) => b.int32());
  }).length;
  const configs: Record<string, string | null> = {};
  for (const [key, value] of r.array((c) => [c.string(), c.nullableString()] as const))
    configs[key] = value;
  return { name, numPartitions, replicationFactor, assignments, configs };
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
  });
  if (!isValidTopicName(topic.name))
    return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name ${topic.name}`);
  if (broker.topics.get(topic.name) !== undefined) {
    return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${topic.name} already exists`);
  }
  // -1 asks for the broker default (KIP-464); explicit assignments fix the count themselves.
  const partitions =
    topic.assignments > 0
      ? topic.assignments
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
  if (!validateOnly) broker.createTopic(topic.name, partitions, topic.configs);
  return { name: topic.name, errorCode: ErrorCode.NONE, message: null };
}

/** CreateTopics v3. */
export const createTopicsApi: ApiHandler = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 3,
  maxVersion: 3,
  handle({ body, broker }) {
    const topics = body.array(readTopic);
    body.int32();
    const validateOnly = body.boolean();
    const outcomes = topics.map((topic) => create(broker, topic, validateOnly));
    return new ProtocolWriter()
      .int32(0)
      .array(outcomes, (w, o) => w.string(o.name).int16(o.errorCode).nullableString(o.message))
      .toBuffer();
  },
};
