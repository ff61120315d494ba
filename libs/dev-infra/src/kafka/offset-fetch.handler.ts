import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** OffsetFetch v4; a null topic list returns everything the group has committed. */
export const offsetFetchApi: ApiHandler = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 4,
  maxVersion: 4,
  handle({ body, broker }) {
    const groupId = body.string();
    const requested = body.nullableArray((t) => ({
      name: t.string(),
      partitions: t.array((p) => p.int32()),
    }));
    const topics =
      requested ??
      Object.entries(
        broker.groups.allCommitted(groupId).reduce<Record<string, number[]>>((acc, entry) => {
          (acc[entry.topic] ??= []).push(entry.partition);
          return acc;
        }, {}),
      ).map(([name, partitions]) => ({ name, partitions }));
    return new ProtocolWriter()
      .int32(0)
      .array(topics, (w, topic) =>
        w.string(topic.name).array(topic.partitions, (pw, partition) => {
          const committed = broker.groups.committed(groupId, topic.name, partition);
          pw.int32(partition)
            .int64(committed.offset)
            .nullableString(committed.metadata)
            .int16(ErrorCode.NONE);
        }),
      )
      .int16(ErrorCode.NONE)
      .toBuffer();
  },
};
