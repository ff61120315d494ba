/** The two pictures a title has. */
export const ARTWORK_KINDS = ['poster', 'backdrop'] as const;
export type ArtworkKindName = (typeof ARTWORK_KINDS)[number];

/** The image formats an artwork upload may be, by media type. */
export const ARTWORK_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ArtworkMediaType = (typeof ARTWORK_MEDIA_TYPES)[number];

interface ArtworkBounds {
  /** Least and greatest dimensions of an uploaded image, in pixels. */
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
  /** Width and height of the stored variants' shape (the image is cropped to it, centred). */
  aspect: { width: number; height: number };
  /** Widths of the stored WebP variants, smallest first: what the edge serves. */
  widths: readonly number[];
}

/**
 * What an artwork upload may be, as the gateway and the videos service both check it. The size
 * stays under gRPC's 4 MiB message limit: an image crosses to the videos service in one message.
 */
export const ARTWORK_LIMITS = {
  maxBytes: 3 * 1024 * 1024,
  poster: {
    minWidth: 200,
    minHeight: 300,
    maxWidth: 4000,
    maxHeight: 6000,
    aspect: { width: 2, height: 3 },
    widths: [200, 400],
  },
  backdrop: {
    minWidth: 640,
    minHeight: 360,
    maxWidth: 7680,
    maxHeight: 4320,
    aspect: { width: 16, height: 9 },
    widths: [640, 1280],
  },
} as const satisfies { maxBytes: number } & Record<ArtworkKindName, ArtworkBounds>;

/** A stored artwork key: `artwork/<kind>/<lower-case hex SHA-256 of the uploaded file>`. */
export const STORED_ARTWORK_KEY = /^artwork\/(poster|backdrop)\/([0-9a-f]{64})$/;

/** The key the videos service stores an image under, from its kind and content hash. */
export function storedArtworkKey(kind: ArtworkKindName, sha256Hex: string): string {
  return `artwork/${kind}/${sha256Hex}`;
}
