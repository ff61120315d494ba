import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** OffsetCommit v5: fenced by member id and generation, like Kafka, so a stale member cannot commit. */
export const offsetCommitApi: ApiHandler = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 5,
  maxVersion: 5,
  handle({ body, broker }) {
    const groupId = body.string();
    const generationId = body.int32();
    const memberId = body.string();
    const topics = body.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({
        partition: p.int32(),
        offset: p.int64(),
        metadata: p.nullableString(),
      })),
    }));
    const unknown = (topic: string, partition: number): boolean =>
      broker.topics.get(topic)?.partitions[partition] === undefined;
    const entries = topics.flatMap((t) =>
      t.partitions
        .filter((p) => !unknown(t.name, p.partition))
        .map((p) => ({
          topic: t.name,
          partition: p.partition,
          offset: p.offset,
          metadata: p.metadata,
        })),
    );
    const errorCode =
      groupId === ''
        ? ErrorCode.INVALID_GROUP_ID
        : broker.groups.commit(groupId, memberId, generationId, entries);
    return new ProtocolWriter()
      .int32(0)
      .array(topics, (w, topic) =>
        w
          .string(topic.name)
          .array(topic.partitions, (pw, { partition }) =>
            pw
              .int32(partition)
              .int16(
                unknown(topic.name, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : errorCode,
              ),
          ),
      )
      .toBuffer();
  },
};
