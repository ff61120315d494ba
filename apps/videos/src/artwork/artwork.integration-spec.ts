import { credentials, status } from '@grpc/grpc-js';
import {
  ArtworkKind,
  ArtworkServiceClient,
  ARTWORK_LIMITS,
  GetArtworkRequest,
  PutArtworkRequest,
} from '@kinema/contracts';
import { testCaller } from '@kinema/platform/testing';
import sharp from 'sharp';
import { failureOf } from '../testing/video-client';
import { startTestVideos, type VideosHarness } from '../testing/videos-test-harness';

let videos: VideosHarness;
let client: ArtworkServiceClient;

beforeAll(async () => {
  videos = await startTestVideos();
  client = new ArtworkServiceClient(
    `127.0.0.1:${videos.running.grpcPort}`,
    credentials.createInsecure(),
  );
}, 60_000);

afterAll(async () => {
  client?.close();
  await videos?.close();
});

const put = (request: Partial<PutArtworkRequest>) =>
  testCaller(client)(client.putArtwork, PutArtworkRequest.fromPartial(request));
const get = (key: string, width: number) =>
  testCaller(client)(client.getArtwork, GetArtworkRequest.fromPartial({ key, width }));

/** A flat-colour image of the given size and format. */
function image(width: number, height: number, format: 'png' | 'jpeg' | 'webp' = 'png') {
  return sharp({ create: { width, height, channels: 3, background: '#3a6ea5' } })
    .toFormat(format)
    .toBuffer();
}

describe('ArtworkService', () => {
  it('stores a poster as WebP variants of every poster width under a key derived from its content', async () => {
    const png = await image(600, 900);
    const stored = await put({
      kind: ArtworkKind.ARTWORK_KIND_POSTER,
      contentType: 'image/png',
      image: png,
    });
    expect(stored.key).toMatch(/^artwork\/poster\/[0-9a-f]{64}$/);
    expect({ width: stored.width, height: stored.height }).toEqual({ width: 600, height: 900 });
    for (const width of ARTWORK_LIMITS.poster.widths) {
      const variant = await get(stored.key, width);
      expect(variant.contentType).toBe('image/webp');
      const decoded = await sharp(Buffer.from(variant.image)).metadata();
      expect([decoded.format, decoded.width, decoded.height]).toEqual(['webp', width, width * 1.5]);
    }
    const again = await put({
      kind: ArtworkKind.ARTWORK_KIND_POSTER,
      contentType: 'image/png',
      image: png,
    });
    expect(again.key).toBe(stored.key);
  });

  it('crops a backdrop to 16:9 whatever the shape sent', async () => {
    const jpeg = await image(1000, 1000, 'jpeg');
    const stored = await put({
      kind: ArtworkKind.ARTWORK_KIND_BACKDROP,
      contentType: 'image/jpeg',
      image: jpeg,
    });
    const decoded = await sharp(Buffer.from((await get(stored.key, 640)).image)).metadata();
    expect([decoded.width, decoded.height]).toEqual([640, 360]);
  });

  it('refuses a file that is not an image, whatever type it declares', async () => {
    const failure = await failureOf(
      put({
        kind: ArtworkKind.ARTWORK_KIND_POSTER,
        contentType: 'image/png',
        image: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      }),
    );
    expect([failure.code, failure.errorCode]).toEqual([
      status.INVALID_ARGUMENT,
      'ARTWORK_UNPROCESSABLE',
    ]);
  });

  it('refuses an image whose content is not the declared type', async () => {
    const failure = await failureOf(
      put({
        kind: ArtworkKind.ARTWORK_KIND_POSTER,
        contentType: 'image/png',
        image: await image(600, 900, 'jpeg'),
      }),
    );
    expect(failure.errorCode).toBe('ARTWORK_UNPROCESSABLE');
    expect(failure.message).toContain('image/jpeg');
  });

  it('refuses an image outside the kind’s dimensions, naming them', async () => {
    const small = await failureOf(
      put({
        kind: ArtworkKind.ARTWORK_KIND_BACKDROP,
        contentType: 'image/png',
        image: await image(600, 900),
      }),
    );
    expect(small.errorCode).toBe('ARTWORK_UNPROCESSABLE');
    expect(small.message).toContain('600×900');
  });

  it('refuses a truncated image whose header is whole', async () => {
    const png = await sharp({
      create: {
        width: 600,
        height: 900,
        channels: 3,
        background: '#000000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    const failure = await failureOf(
      put({
        kind: ArtworkKind.ARTWORK_KIND_POSTER,
        contentType: 'image/png',
        image: png.subarray(0, png.length / 2),
      }),
    );
    expect(failure.errorCode).toBe('ARTWORK_UNPROCESSABLE');
  });

  it('refuses a file above the size limit before decoding it', async () => {
    const failure = await failureOf(
      put({
        kind: ArtworkKind.ARTWORK_KIND_POSTER,
        contentType: 'image/png',
        image: Buffer.alloc(ARTWORK_LIMITS.maxBytes + 1),
      }),
    );
    expect(failure.errorCode).toBe('ARTWORK_TOO_LARGE');
  });

  it('answers NOT_FOUND for a key or a width that names no stored variant', async () => {
    const stored = await put({
      kind: ArtworkKind.ARTWORK_KIND_POSTER,
      contentType: 'image/webp',
      image: await image(400, 600, 'webp'),
    });
    for (const [key, width] of [
      [stored.key, 300],
      [`artwork/poster/${'0'.repeat(64)}`, 200],
      ['videos/anything', 200],
    ] as const) {
      const failure = await failureOf(get(key, width));
      expect([failure.code, failure.errorCode]).toEqual([status.NOT_FOUND, 'ARTWORK_NOT_FOUND']);
    }
  });
});
