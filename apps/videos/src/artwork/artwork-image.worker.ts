// The process ArtworkImageProcess forks to decode and resize artwork with sharp; it answers each
// request over the IPC channel and exits when the channel closes. Kept free of the service's own
// modules so that it loads nothing but sharp.
import sharp from 'sharp';

export interface ImageSize {
  width: number;
  height: number;
}

export interface ImageFacts extends ImageSize {
  /** The format sharp recognised by the file's magic bytes. */
  format: string;
}

export type ImageJob =
  { op: 'inspect'; image: Uint8Array } | { op: 'render'; image: Uint8Array; sizes: ImageSize[] };

export type ImageRequest = ImageJob & { id: number };

/** `undecodable` when sharp could not read the image (a bad file, not a failure of this process). */
export type ImageReply =
  | { id: number; facts: ImageFacts }
  | { id: number; images: Uint8Array[] }
  | { id: number; undecodable: true };

// Each upload is decoded and resized once: libvips' operation cache (50 MB by default) would only
// hold images that never come back.
sharp.cache(false);

async function answer(request: ImageRequest): Promise<ImageReply> {
  const image = Buffer.from(
    request.image.buffer,
    request.image.byteOffset,
    request.image.byteLength,
  );
  try {
    if (request.op === 'inspect') {
      // Only the header is read here: nothing is decoded whole before its dimensions are checked.
      const { format, width, height } = await sharp(image).metadata();
      return { id: request.id, facts: { format, width, height } };
    }
    const images = await Promise.all(
      request.sizes.map(({ width, height }) =>
        sharp(image)
          .rotate()
          .resize(width, height, { fit: 'cover' })
          .webp({ quality: 80 })
          .toBuffer(),
      ),
    );
    return { id: request.id, images };
  } catch {
    return { id: request.id, undecodable: true };
  }
}

process.on('message', (request: ImageRequest) => {
  void answer(request).then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0));
