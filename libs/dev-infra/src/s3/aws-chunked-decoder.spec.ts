import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from './aws-chunked-decoder';

async function decode(
  frames: Buffer,
  pieceSize: number,
): Promise<{ payload: string; trailers: Map<string, string> }> {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < frames.length; offset += pieceSize)
    pieces.push(frames.subarray(offset, offset + pieceSize));
  const decoder = new AwsChunkedDecoder();
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(decoder)) out.push(chunk as Buffer);
  return { payload: Buffer.concat(out).toString(), trailers: decoder.trailers };
}

const SIG = 'a'.repeat(64);

describe('AwsChunkedDecoder', () => {
  const unsignedWithTrailer = Buffer.from(
    '6\r\nhello \r\n6\r\nstream\r\n0\r\nx-amz-checksum-crc32:gtnkmQ==\r\n\r\n',
  );
  const signed = Buffer.from(
    `5;chunk-signature=${SIG}\r\nhello\r\n0;chunk-signature=${SIG}\r\n\r\n`,
  );

  it.each([1, 3, 7, 1024])(
    'extracts the payload and trailers whatever the read size (%i bytes)',
    async (pieceSize) => {
      const { payload, trailers } = await decode(unsignedWithTrailer, pieceSize);
      expect(payload).toBe('hello stream');
      expect(trailers.get('x-amz-checksum-crc32')).toBe('gtnkmQ==');
    },
  );

  it('ignores chunk signatures of signed streaming bodies', async () => {
    expect((await decode(signed, 5)).payload).toBe('hello');
  });

  it('rejects a body that ends before the final chunk', async () => {
    await expect(decode(Buffer.from('6\r\nhello '), 4)).rejects.toThrow(/Malformed aws-chunked/);
  });

  it('rejects chunk data longer than its declared size', async () => {
    await expect(decode(Buffer.from('2\r\nhello\r\n0\r\n\r\n'), 64)).rejects.toThrow(
      /longer than its declared size/,
    );
  });
});
