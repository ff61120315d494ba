import {
  ARTWORK_LIMITS,
  ARTWORK_MEDIA_TYPES,
  type ArtworkKindName,
  type ArtworkMediaType,
} from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import type { Metadata } from 'sharp';

/**
 * sharp, loaded on the first artwork upload rather than with the service: libvips and its
 * libraries mapped into the process cost memory from start to finish, and artwork is resized only
 * when an admin uploads it.
 */
let sharpLoaded: ReturnType<typeof importSharp> | undefined;

async function importSharp() {
  const { default: sharp } = await import('sharp');
  // Each upload is decoded and resized once: libvips' operation cache (50 MB by default) would
  // only hold images that never come back.
  sharp.cache(false);
  return sharp;
}

function loadSharp(): ReturnType<typeof importSharp> {
  sharpLoaded ??= importSharp();
  return sharpLoaded;
}

/** The media type of each format sharp recognises by its magic bytes, for the accepted ones. */
const FORMAT_MEDIA_TYPES: Readonly<Record<string, ArtworkMediaType>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

export interface InspectedArtwork {
  width: number;
  height: number;
}

export interface ArtworkVariant {
  width: number;
  image: Buffer;
}

function unprocessable(message: string, field = 'image'): DomainError {
  return new DomainError('invalid_argument', 'ARTWORK_UNPROCESSABLE', message, [
    { field, description: message },
  ]);
}

/**
 * Checks an upload by what it is, not what it claims: its size, its format as its magic bytes tell
 * it (sharp reads only the header here), the declared type, and its dimensions against the kind's
 * bounds. Nothing is decoded whole before the dimensions are known to be within bounds.
 */
export async function inspectArtwork(
  image: Buffer,
  kind: ArtworkKindName,
  declaredType: string,
): Promise<InspectedArtwork> {
  if (image.length > ARTWORK_LIMITS.maxBytes) {
    throw new DomainError(
      'invalid_argument',
      'ARTWORK_TOO_LARGE',
      `An image may be at most ${ARTWORK_LIMITS.maxBytes} bytes; this one has ${image.length}.`,
      [{ field: 'image', description: `must be at most ${ARTWORK_LIMITS.maxBytes} bytes` }],
    );
  }
  if (!(ARTWORK_MEDIA_TYPES as readonly string[]).includes(declaredType)) {
    throw unprocessable(
      `${JSON.stringify(declaredType)} is not one of ${ARTWORK_MEDIA_TYPES.join(', ')}.`,
      'content_type',
    );
  }
  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    metadata = await sharp(image).metadata();
  } catch {
    throw unprocessable('The file is not a PNG, JPEG or WebP image.');
  }
  const actualType = FORMAT_MEDIA_TYPES[metadata.format];
  if (!actualType) throw unprocessable('The file is not a PNG, JPEG or WebP image.');
  if (actualType !== declaredType) {
    throw unprocessable(`The file is ${actualType}, not the declared ${declaredType}.`);
  }
  const bounds = ARTWORK_LIMITS[kind];
  const { width, height } = metadata;
  if (
    width < bounds.minWidth ||
    height < bounds.minHeight ||
    width > bounds.maxWidth ||
    height > bounds.maxHeight
  ) {
    throw unprocessable(
      `A ${kind} must be from ${bounds.minWidth}×${bounds.minHeight} to ` +
        `${bounds.maxWidth}×${bounds.maxHeight} pixels; this one is ${width}×${height}.`,
    );
  }
  return { width, height };
}

/**
 * The stored variants of an inspected image: one WebP per width of its kind, cropped (centred) to
 * the kind's shape. A file whose header passed but whose pixels do not decode fails here.
 */
export async function renderArtworkVariants(
  image: Buffer,
  kind: ArtworkKindName,
): Promise<ArtworkVariant[]> {
  const { aspect, widths } = ARTWORK_LIMITS[kind];
  const sharp = await loadSharp();
  try {
    return await Promise.all(
      widths.map(async (width) => ({
        width,
        image: await sharp(image)
          .rotate()
          .resize(width, Math.round((width * aspect.height) / aspect.width), { fit: 'cover' })
          .webp({ quality: 80 })
          .toBuffer(),
      })),
    );
  } catch {
    throw unprocessable('The image does not decode: the file is damaged or truncated.');
  }
}
