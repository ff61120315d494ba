import { createRequire } from 'node:module';

// kafkajs ships no types (and no exports map) for its protocol internals; these are the few shapes used.
interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsRequest {
  encode(): Promise<KafkajsEncoder>;
}
interface KafkajsResponse {
  decode(raw: Buffer): Promise<unknown>;
}
interface KafkajsProtocolModule {
  protocol(args: {
    version: number;
  }): (params: object) => { request: KafkajsRequest; response: KafkajsResponse };
}
interface KafkajsRecordBatchModule {
  RecordBatch(args: {
    compression?: number;
    firstOffset?: number;
    records: KafkajsEncoder[];
    lastOffsetDelta?: number;
    producerId?: number;
    producerEpoch?: number;
    firstSequence?: number;
  }): Promise<KafkajsEncoder>;
}
type KafkajsRecord = (args: {
  offsetDelta: number;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string>;
}) => KafkajsEncoder;
type KafkajsDecoderCtor = new (buffer: Buffer) => object;
type KafkajsBatchDecoder = (decoder: object) => Promise<{
  firstOffset: string;
  records: {
    offset: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer>;
  }[];
}>;

const load = createRequire(__filename);
const base = 'kafkajs/src/protocol';

export const KafkajsCompression = { None: 0, GZIP: 1 } as const;

/** Encodes a request body exactly as kafkajs 2.2.4 would put it on the wire. */
export async function kafkajsRequestBody(
  api: string,
  version: number,
  params: object,
): Promise<Buffer> {
  const module = load(`${base}/requests/${api}`) as KafkajsProtocolModule;
  const encoder = await module.protocol({ version })(params).request.encode();
  return encoder.buffer;
}

/** Decodes a response body with kafkajs's own decoder (without its error-throwing parse step). */
export async function kafkajsDecodeResponse<T>(
  api: string,
  version: number,
  body: Buffer,
): Promise<T> {
  const module = load(`${base}/requests/${api}`) as KafkajsProtocolModule;
  return (await module.protocol({ version })({}).response.decode(body)) as T;
}

export interface TestRecord {
  key?: string | null;
  value: string;
  headers?: Record<string, string>;
}

/** A RecordBatch encoded by kafkajs, optionally gzip-compressed, as a producer sends it. */
export async function kafkajsRecordBatch(
  records: TestRecord[],
  options: { compression?: number; producerId?: number; firstSequence?: number } = {},
): Promise<Buffer> {
  const { RecordBatch } = load(`${base}/recordBatch/v0`) as KafkajsRecordBatchModule;
  const Record = load(`${base}/recordBatch/record/v0`) as KafkajsRecord;
  const encoded = records.map((record, offsetDelta) =>
    Record({
      offsetDelta,
      key: record.key == null ? null : Buffer.from(record.key),
      value: Buffer.from(record.value),
      headers: record.headers,
    }),
  );
  const batch = await RecordBatch({
    compression: options.compression ?? KafkajsCompression.None,
    records: encoded,
    lastOffsetDelta: records.length - 1,
    producerId: options.producerId ?? -1,
    producerEpoch: 0,
    firstSequence: options.firstSequence ?? 0,
  });
  return batch.buffer;
}

/** Decodes one RecordBatch with kafkajs, as a consumer would. */
export async function kafkajsDecodeBatch(batch: Buffer): ReturnType<KafkajsBatchDecoder> {
  const Decoder = load(`${base}/decoder`) as KafkajsDecoderCtor;
  const decodeBatch = load(`${base}/recordBatch/v0/decoder`) as KafkajsBatchDecoder;
  return decodeBatch(new Decoder(batch));
}
