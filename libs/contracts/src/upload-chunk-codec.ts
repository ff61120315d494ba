import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { UploadVideoRequest } from './generated/kinema/videos/v1/videos_service';

/** The key of `UploadVideoRequest.chunk`: field 2, length-delimited. */
const CHUNK_KEY = (2 << 3) | 2;

/**
 * UploadVideoRequest to bytes, byte for byte what the generated codec writes. A chunk (every
 * message but the first of an upload) is copied once, behind its key and length; the generated
 * writer would copy it three times (into its chunk list, into the finished array, into a Buffer),
 * which on a 1 GiB upload is most of the gateway's garbage.
 */
export function serializeUploadVideoRequest(message: UploadVideoRequest): Buffer {
  const chunk = message.chunk;
  if (chunk === undefined || message.metadata !== undefined) {
    return Buffer.from(UploadVideoRequest.encode(message).finish());
  }
  const head = new BinaryWriter().uint32(CHUNK_KEY).uint32(chunk.length).finish();
  const bytes = Buffer.allocUnsafe(head.length + chunk.length);
  bytes.set(head, 0);
  bytes.set(chunk, head.length);
  return bytes;
}

/**
 * Bytes to UploadVideoRequest. A chunk stays a view of the bytes received instead of a copy:
 * grpc-js hands every message over in a buffer of its own, which nothing else writes to.
 */
export function deserializeUploadVideoRequest(bytes: Buffer): UploadVideoRequest {
  if (bytes[0] === CHUNK_KEY) {
    const reader = new BinaryReader(bytes);
    reader.uint32();
    const length = reader.uint32();
    if (reader.pos + length === bytes.length) {
      return { metadata: undefined, chunk: bytes.subarray(reader.pos) };
    }
  }
  return UploadVideoRequest.decode(bytes);
}
