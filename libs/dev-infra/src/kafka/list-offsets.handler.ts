import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { PartitionLog } from './partition-log.store';
import { ProtocolWriter } from './protocol-writer.codec';

const LATEST = -1;
const EARLIEST = -2;

function lookup(log: PartitionLog, timestamp: number): { timestamp: number; offset: number } {
  if (timestamp === LATEST) return { timestamp: -1, offset: log.highWatermark };
  if (timestamp === EARLIEST) return { timestamp: -1, offset: log.logStartOffset };
  // Batches are not decompressed, so a timestamp resolves to the first batch that reaches it.
  const offset = log.offsetForTimestamp(timestamp);
  return { timestamp: offset === -1 ? -1 : timestamp, offset };
}

/** ListOffsets v3: latest (-1), earliest (-2) or by timestamp, at batch granularity. */
export const listOffsetsApi: ApiHandler = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 3,
  maxVersion: 3,
  handle({ body, broker }) {
    body.int32();
    body.int8();
    const topics = body.array((t) => ({
      name: t.string(),
      partitions: t.array((p) => ({ partition: p.int32(), timestamp: p.int64() })),
    }));
    return new ProtocolWriter()
      .int32(0)
      .array(topics, (w, topic) =>
        w.string(topic.name).array(topic.partitions, (pw, { partition, timestamp }) => {
          const log = broker.topics.get(topic.name)?.partitions[partition];
          if (log === undefined) {
            pw.int32(partition).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
            return;
          }
          const found = lookup(log, timestamp);
          pw.int32(partition).int16(ErrorCode.NONE).int64(found.timestamp).int64(found.offset);
        }),
      )
      .toBuffer();
  },
};
