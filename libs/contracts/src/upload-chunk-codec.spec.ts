import { randomBytes } from 'node:crypto';
import { UploadVideoRequest } from './generated/kinema/videos/v1/videos_service';
import { deserializeUploadVideoRequest, serializeUploadVideoRequest } from './upload-chunk-codec';

const generated = (message: UploadVideoRequest) =>
  Buffer.from(UploadVideoRequest.encode(message).finish());

describe('the UploadVideo chunk codec', () => {
  it.each([0, 1, 127, 128, 16_383, 16_384, 64 * 1024, 300_000])(
    'writes a chunk of %i bytes exactly as the generated codec does, and reads it back',
    (size) => {
      const message: UploadVideoRequest = { metadata: undefined, chunk: randomBytes(size) };
      const bytes = serializeUploadVideoRequest(message);
      expect(bytes.equals(generated(message))).toBe(true);
      expect(deserializeUploadVideoRequest(bytes)).toEqual(UploadVideoRequest.decode(bytes));
    },
  );

  it('reads a chunk as a view of the received bytes, not a copy', () => {
    const bytes = serializeUploadVideoRequest({ metadata: undefined, chunk: randomBytes(1000) });
    const { chunk } = deserializeUploadVideoRequest(bytes);
    expect(chunk?.buffer).toBe(bytes.buffer);
  });

  it('leaves the metadata message to the generated codec', () => {
    const message: UploadVideoRequest = {
      metadata: {
        titleId: 'a2c4e6f8-0000-4000-8000-000000000001',
        episodeId: '',
        contentType: 'video/mp4',
        contentLength: 1234,
      },
      chunk: undefined,
    };
    const bytes = serializeUploadVideoRequest(message);
    expect(bytes.equals(generated(message))).toBe(true);
    expect(deserializeUploadVideoRequest(bytes)).toEqual(message);
  });

  it('reads what is not a lone chunk (an empty message, unknown fields) like the generated codec', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from([0x12, 0x01, 0x61, 0x18, 0x05])]) {
      expect(deserializeUploadVideoRequest(bytes)).toEqual(UploadVideoRequest.decode(bytes));
    }
  });
});
