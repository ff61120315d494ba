import { RequestHeader } from './api-handler.types';
import { ProtocolReader } from './protocol-reader.codec';

/** Request header v1 (api key, version, correlation id, client id); no flexible versions are served. */
export function readRequestHeader(reader: ProtocolReader): RequestHeader {
  return {
    apiKey: reader.int16(),
    apiVersion: reader.int16(),
    correlationId: reader.int32(),
    clientId: reader.nullableString(),
  };
}

/** A whole response frame: size, correlation id (response header v0), body. */
export function frameResponse(correlationId: number, body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(8 + body.length);
  frame.writeInt32BE(4 + body.length, 0);
  frame.writeInt32BE(correlationId, 4);
  body.copy(frame, 8);
  return frame;
}
