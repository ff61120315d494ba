import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, list, str, string, struct, uuid, ZERO_UUID } from './protocol-schema.codec';

const request = struct({
  topics: [list(struct({ name: [string('6+'), '6+', null], topicId: [uuid] })), '6+'],
  topicNames: [list(str), '0-5'],
  timeoutMs: [int32],
});

const response = struct({
  throttleTimeMs: [int32, '1+'],
  responses: [
    list(
      struct({
        name: [string('6+')],
        topicId: [uuid, '6+'],
        errorCode: [int16],
        errorMessage: [string('5+'), '5+'],
      }),
    ),
  ],
});

/** DeleteTopics v0-v6 (by name, or from v6 by topic id); the topic's batches go with it. */
export const deleteTopicsApi = defineApi({
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  flexibleVersions: '4+',
  request,
  response,
  handle(req, { header, broker }) {
    const wanted =
      header.apiVersion >= 6
        ? req.topics
        : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    return {
      throttleTimeMs: 0,
      responses: wanted.map(({ name, topicId }) => {
        const topic = name === null ? broker.topics.byId(topicId) : broker.topics.get(name);
        if (topic === undefined) {
          return {
            name,
            topicId,
            errorCode:
              name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: `topic ${name ?? topicId} does not exist`,
          };
        }
        broker.deleteTopic(topic.name);
        return {
          name: topic.name,
          topicId: topic.id,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
        };
      }),
    };
  },
});
