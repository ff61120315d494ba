import { ApiHandler, ApiKey } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { PartitionLog } from './partition-log.store';
import { ProtocolReader } from './protocol-reader.codec';
import { ProtocolWriter } from './protocol-writer.codec';

interface FetchPartition {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { name: string; partitions: FetchPartition[] }[];
}

function readRequest(body: ProtocolReader): FetchRequest {
  body.int32();
  const maxWaitMs = body.int32();
  const minBytes = body.int32();
  const maxBytes = body.int32();
  body.int8();
  body.int32();
  body.int32();
  const topics = body.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => {
      const partition = p.int32();
      p.int32();
      const fetchOffset = p.int64();
      p.int64();
      return { partition, fetchOffset, maxBytes: p.int32() };
    }),
  }));
  body.array((t) => [t.string(), t.array((p) => p.int32())]);
  body.string();
  return { maxWaitMs, minBytes, maxBytes, topics };
}

function partitionError(log: PartitionLog | undefined, fetchOffset: number): number {
  if (log === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (fetchOffset < log.logStartOffset || fetchOffset > log.highWatermark)
    return ErrorCode.OFFSET_OUT_OF_RANGE;
  return ErrorCode.NONE;
}

/** True once the answer should go out: enough bytes, an error to report, or no wait requested. */
function isReady(broker: BrokerContext, request: FetchRequest): boolean {
  if (request.maxWaitMs <= 0) return true;
  let available = 0;
  for (const topic of request.topics) {
    for (const { partition, fetchOffset } of topic.partitions) {
      const log = broker.topics.get(topic.name)?.partitions[partition];
      if (log === undefined || partitionError(log, fetchOffset) !== ErrorCode.NONE) return true;
      available += log.bytesFrom(fetchOffset, request.minBytes - available);
      if (available >= request.minBytes) return true;
    }
  }
  return false;
}

/**
 * The response. Whole batches only; a partition's first batch is sent even past the partition
 * limit (as long as the response budget allows, or the response is still empty) so one large
 * batch can never stall a consumer.
 */
function buildResponse(broker: BrokerContext, request: FetchRequest): Buffer {
  let budget = request.maxBytes;
  const writer = new ProtocolWriter(1024).int32(0).int16(ErrorCode.NONE).int32(0);
  writer.array(request.topics, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, { partition, fetchOffset, maxBytes }) => {
      const log = broker.topics.get(topic.name)?.partitions[partition];
      const errorCode = partitionError(log, fetchOffset);
      const hwm = log?.highWatermark ?? -1;
      pw.int32(partition)
        .int16(errorCode)
        .int64(hwm)
        .int64(hwm)
        .int64(log?.logStartOffset ?? -1);
      pw.int32(0).int32(-1);
      if (log === undefined || errorCode !== ErrorCode.NONE || budget <= 0) {
        pw.int32(0);
        return;
      }
      const read = log.read(fetchOffset, Math.min(maxBytes, budget), true);
      const responseIsEmpty = budget === request.maxBytes;
      if (read.size > budget && !responseIsEmpty) {
        pw.int32(0);
        return;
      }
      budget -= read.size;
      pw.int32(read.size);
      for (const batch of read.batches) pw.raw(batch);
    });
  });
  return writer.toBuffer();
}

/** Fetch v11, long-polling: held until minBytes are available or maxWaitTime passes, never longer. */
export const fetchApi: ApiHandler = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 11,
  maxVersion: 11,
  handle({ body, broker, connection }) {
    const request = readRequest(body);
    if (isReady(broker, request)) return buildResponse(broker, request);
    const watched = new Set(
      request.topics.flatMap((t) => t.partitions.map((p) => `${t.name}\u0000${p.partition}`)),
    );
    return new Promise<Buffer | null>((resolve) => {
      let settled = false;
      const settle = (answer: () => Buffer | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        unregisterClose();
        resolve(answer());
      };
      const timer = setTimeout(
        () => settle(() => buildResponse(broker, request)),
        request.maxWaitMs,
      );
      const unsubscribe = broker.appends.subscribe((topic, partition) => {
        if (watched.has(`${topic}\u0000${partition}`) && isReady(broker, request)) {
          settle(() => buildResponse(broker, request));
        }
      });
      const unregisterClose = connection.onClose(() => settle(() => null));
    });
  },
};
