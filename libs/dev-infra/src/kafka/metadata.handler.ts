import { ApiHandler, ApiKey } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';
import { isValidTopicName, Topic } from './topic.store';

interface TopicAnswer {
  errorCode: number;
  name: string;
  topic: Topic | undefined;
}

function resolveTopic(broker: BrokerContext, name: string, allowAutoCreate: boolean): TopicAnswer {
  if (!isValidTopicName(name))
    return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, topic: undefined };
  let topic = broker.topics.get(name);
  if (topic === undefined && allowAutoCreate && broker.settings.autoCreateTopics) {
    topic = broker.createTopic(name, broker.settings.defaultPartitions);
  }
  const errorCode = topic === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE;
  return { errorCode, name, topic };
}

/** Metadata v6. An empty or null topic list means every topic (kafkajs sends [] for "all"). */
export const metadataApi: ApiHandler = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 6,
  maxVersion: 6,
  handle({ body, broker }) {
    const requested = body.nullableArray((r) => r.string());
    const allowAutoCreate = body.boolean();
    const answers: TopicAnswer[] =
      requested === null || requested.length === 0
        ? broker.topics
            .list()
            .map((topic) => ({ errorCode: ErrorCode.NONE, name: topic.name, topic }))
        : requested.map((name) => resolveTopic(broker, name, allowAutoCreate));

    const { nodeId, host, port } = broker.settings;
    const writer = new ProtocolWriter()
      .int32(0)
      .array([nodeId], (w) => w.int32(nodeId).string(host).int32(port).nullableString(null))
      .nullableString(broker.identity.clusterId)
      .int32(nodeId);
    writer.array(answers, (w, answer) => {
      w.int16(answer.errorCode).string(answer.name).boolean(false);
      const indexes = (answer.topic?.partitions ?? []).map((_, index) => index);
      w.array(indexes, (pw, index) => {
        pw.int16(ErrorCode.NONE)
          .int32(index)
          .int32(nodeId)
          .int32Array([nodeId])
          .int32Array([nodeId])
          .int32Array([]);
      });
    });
    return writer.toBuffer();
  },
};
