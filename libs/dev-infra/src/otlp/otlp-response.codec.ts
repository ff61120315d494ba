import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { IExportTraceServiceResponse } from '@opentelemetry/otlp-transformer';

/** The body encodings OTLP/HTTP defines: binary protobuf or its JSON mapping. */
export type OtlpEncoding = 'protobuf' | 'json';

export const OTLP_CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * ExportTraceServiceResponse (collector/trace/v1/trace_service.proto): empty when everything was
 * taken; field 1 `partial_success` { 1 rejected_spans int64, 2 error_message string } otherwise.
 */
export function encodeExportResponse(
  encoding: OtlpEncoding,
  rejectedSpans: number,
  errorMessage = '',
): Uint8Array {
  const response: IExportTraceServiceResponse =
    rejectedSpans > 0 ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  if (encoding === 'json') {
    const partial = response.partialSuccess;
    // Protobuf's JSON mapping writes an int64 as a string.
    const json = partial
      ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage } }
      : {};
    return Buffer.from(JSON.stringify(json));
  }
  if (!response.partialSuccess) return new Uint8Array();
  const writer = new BinaryWriter().tag(1, WireType.LengthDelimited).fork();
  writer.tag(1, WireType.Varint).int64(rejectedSpans);
  if (errorMessage) writer.tag(2, WireType.LengthDelimited).string(errorMessage);
  return writer.join().finish();
}

/** gRPC status codes OTLP/HTTP errors carry (google.rpc.Code). */
export const RPC_CODE = { invalidArgument: 3, resourceExhausted: 8 } as const;

/** google.rpc.Status { 1 code int32, 2 message string }: the body OTLP/HTTP gives a failure. */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return new BinaryWriter()
    .tag(1, WireType.Varint)
    .int32(code)
    .tag(2, WireType.LengthDelimited)
    .string(message)
    .finish();
}
