import {
  ARTWORK_LIMITS,
  ARTWORK_MEDIA_TYPES,
  type ArtworkKindName,
  type ArtworkMediaType,
} from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import type { ArtworkImageProcess } from './artwork-image-process';

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
  images: ArtworkImageProcess,
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
  const facts = await images.inspect(image);
  const actualType = facts && FORMAT_MEDIA_TYPES[facts.format];
  if (!actualType) throw unprocessable('The file is not a PNG, JPEG or WebP image.');
  if (actualType !== declaredType) {
    throw unprocessable(`The file is ${actualType}, not the declared ${declaredType}.`);
  }
  const bounds = ARTWORK_LIMITS[kind];
  const { width, height } = facts;
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
  images: ArtworkImageProcess,
  image: Buffer,
  kind: ArtworkKindName,
): Promise<ArtworkVariant[]> {
  const { aspect, widths } = ARTWORK_LIMITS[kind];
  const rendered = await images.render(
    image,
    widths.map((width) => ({ width, height: Math.round((width * aspect.height) / aspect.width) })),
  );
  if (!rendered) {
    throw unprocessable('The image does not decode: the file is damaged or truncated.');
  }
  return rendered.map((variant, index) => ({ width: widths[index], image: variant }));
}
