import { randomBytes } from 'node:crypto';
import { SAMPLES, sampleBytes, sampleNamed } from '../testing/sample-media';
import { UnprocessableVideoError, type ProbeResult } from './probe-result';
import { createVideoProbe, type VideoContentType } from './video-probe';

/** Feeds the bytes in chunks of `chunkSize`, as an upload would. */
async function probe(
  contentType: VideoContentType,
  bytes: Buffer,
  chunkSize = 64 * 1024,
): Promise<ProbeResult> {
  const videoProbe = createVideoProbe(contentType);
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    videoProbe.push(bytes.subarray(offset, offset + chunkSize));
  }
  return videoProbe.finish();
}

async function rejection(run: () => Promise<unknown>): Promise<UnprocessableVideoError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UnprocessableVideoError) return error;
    throw error;
  }
  throw new Error('expected the probe to reject the file');
}

describe('video probe', () => {
  it.each(SAMPLES.map((sample) => [sample.name, sample] as const))(
    'reads duration, size and codecs of %s from its container headers',
    async (_name, sample) => {
      const result = await probe(sample.contentType, sampleBytes(sample));
      expect(result.width).toBe(sample.width);
      expect(result.height).toBe(sample.height);
      expect(result.durationSeconds).toBeCloseTo(sample.durationSeconds, 2);
      expect(result.codecs).toEqual([sample.videoCodec, sample.audioCodec]);
    },
  );

  it.each([1, 7, 4096])(
    'gives the same answer whatever the chunking (%i-byte chunks)',
    async (size) => {
      const sample = sampleNamed('testsrc-moov-at-end.mp4');
      const whole = await probe(sample.contentType, sampleBytes(sample));
      expect(await probe(sample.contentType, sampleBytes(sample), size)).toEqual(whole);
    },
  );

  it('finds the moov box after the media data (no faststart)', async () => {
    const bytes = sampleBytes(sampleNamed('testsrc-moov-at-end.mp4'));
    const moovAt = bytes.indexOf('moov');
    const mdatAt = bytes.indexOf('mdat');
    expect(moovAt).toBeGreaterThan(mdatAt);
    expect((await probe('video/mp4', bytes)).width).toBe(320);
  });

  it('accepts padding boxes after the media without keeping them', async () => {
    const bytes = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const free = Buffer.alloc(1024 * 1024);
    free.writeUInt32BE(free.length, 0);
    free.write('free', 4, 'latin1');
    expect((await probe('video/mp4', Buffer.concat([bytes, free]))).height).toBe(180);
  });

  it.each([
    ['random bytes as mp4', 'video/mp4', () => randomBytes(300_000)],
    ['random bytes as webm', 'video/webm', () => randomBytes(300_000)],
    ['a WebM declared as mp4', 'video/mp4', () => sampleBytes(sampleNamed('testsrc.webm'))],
    ['an MP4 declared as webm', 'video/webm', () => sampleBytes(sampleNamed('bars-faststart.mp4'))],
    ['an empty file', 'video/mp4', () => Buffer.alloc(0)],
    ['a text file', 'video/webm', () => Buffer.from('hello, this is not a video\n')],
  ] as const)('rejects %s', async (_name, contentType, bytes) => {
    const error = await rejection(() => probe(contentType, bytes()));
    expect(error.message.length).toBeGreaterThan(0);
  });

  it.each(SAMPLES.map((sample) => [sample.name, sample] as const))(
    'rejects %s truncated anywhere',
    async (_name, sample) => {
      const bytes = sampleBytes(sample);
      for (const keep of [0.25, 0.5, 0.9, 0.999]) {
        const cut = Math.floor(bytes.length * keep);
        await rejection(() => probe(sample.contentType, bytes.subarray(0, cut)));
      }
    },
  );

  it('rejects an MP4 header followed by padding, with no moov', async () => {
    const bytes = sampleBytes(sampleNamed('bars-faststart.mp4'));
    const ftypSize = bytes.readUInt32BE(0);
    const free = Buffer.alloc(4096);
    free.writeUInt32BE(free.length, 0);
    free.write('free', 4, 'latin1');
    const error = await rejection(() =>
      probe('video/mp4', Buffer.concat([bytes.subarray(0, ftypSize), free])),
    );
    expect(error.message).toContain('moov');
  });

  it('refuses to keep a moov box larger than its limit', async () => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0);
    header.write('moov', 4, 'latin1');
    header.writeBigUInt64BE(BigInt(1024 ** 3), 8);
    const ftyp = sampleBytes(sampleNamed('bars-faststart.mp4')).subarray(0, 32);
    const videoProbe = createVideoProbe('video/mp4');
    expect(() => videoProbe.push(Buffer.concat([ftyp, header]))).toThrow(UnprocessableVideoError);
  });
});
