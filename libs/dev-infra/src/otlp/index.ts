export { startOtlpReceiver, OTLP_MAX_BODY_BYTES } from './otlp-receiver';
export type { OtlpReceiverOptions, RunningOtlpReceiver } from './otlp-receiver';
export { DEFAULT_TRACE_STORE_LIMITS, TraceStore } from './trace.store';
export type * from './span-record.types';
export { decodeTraceRequestJson } from './trace-request-json.codec';
export { decodeTraceRequestProtobuf } from './trace-request-protobuf.codec';
export { spanRecords } from './span-record.mapper';
export { TraceQueryClient } from './trace-query.client';
export { TRACE_LIST_LIMIT } from './trace-query.params';
