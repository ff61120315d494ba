import { ApiKey, RequestHeader } from './api-handler.types';
import { ProtocolReader } from './protocol-reader.codec';

/**
 * Request header v1 (api key, version, correlation id, client id). Its client id stays a classic
 * nullable string even in flexible versions; header v2 only adds a tagged-field section after it,
 * which the caller skips once it knows the version is flexible (`skipTaggedFields`).
 */
export function readRequestHeader(reader: ProtocolReader): RequestHeader {
  return {
    apiKey: reader.int16(),
    apiVersion: reader.int16(),
    correlationId: reader.int32(),
    clientId: reader.nullableString(),
  };
}

/**
 * Response header v1 (correlation id + empty tags) answers flexible requests, v0 (correlation id)
 * the rest. ApiVersions always gets v0: a client that does not yet know which versions the broker
 * speaks must be able to read the answer, as KIP-511 lays down.
 */
export function responseHeaderVersion(apiKey: number, flexible: boolean): 0 | 1 {
  return flexible && apiKey !== ApiKey.ApiVersions ? 1 : 0;
}

/** A whole response frame: size, correlation id, empty tags for header v1, body. */
export function frameResponse(
  correlationId: number,
  body: Buffer,
  headerVersion: 0 | 1 = 0,
): Buffer {
  const headerSize = headerVersion === 1 ? 5 : 4;
  const frame = Buffer.allocUnsafe(4 + headerSize + body.length);
  frame.writeInt32BE(headerSize + body.length, 0);
  frame.writeInt32BE(correlationId, 4);
  if (headerVersion === 1) frame.writeUInt8(0, 8);
  body.copy(frame, 4 + headerSize);
  return frame;
}
