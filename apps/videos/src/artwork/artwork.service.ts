import {
  ArtworkKind,
  ARTWORK_LIMITS,
  STORED_ARTWORK_KEY,
  storedArtworkKey,
  type ArtworkKindName,
  type GetArtworkResponse,
  type PutArtworkRequest,
  type PutArtworkResponse,
} from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { inspectArtwork, renderArtworkVariants } from './artwork-image';
import { ArtworkImageProcess } from './artwork-image-process';
import { ArtworkStore, variantObjectKey } from './artwork-store';

const KIND_NAMES: Partial<Record<ArtworkKind, ArtworkKindName>> = {
  [ArtworkKind.ARTWORK_KIND_POSTER]: 'poster',
  [ArtworkKind.ARTWORK_KIND_BACKDROP]: 'backdrop',
};

function artworkNotFound(): DomainError {
  return DomainError.notFound('ARTWORK_NOT_FOUND', 'No artwork has this key and width.');
}

/** Posters and backdrops: checked by content, stored once per content as resized variants. */
@Injectable()
export class ArtworkService {
  constructor(
    private readonly store: ArtworkStore,
    private readonly images: ArtworkImageProcess,
  ) {}

  async put(request: PutArtworkRequest): Promise<PutArtworkResponse> {
    const kind = KIND_NAMES[request.kind];
    if (!kind) {
      throw DomainError.invalid([{ field: 'kind', description: 'must be poster or backdrop' }]);
    }
    const image = Buffer.from(request.image);
    const { width, height } = await inspectArtwork(this.images, image, kind, request.contentType);
    const key = storedArtworkKey(kind, createHash('sha256').update(image).digest('hex'));
    const variants = await renderArtworkVariants(this.images, image, kind);
    // The same bytes always give the same key and variants, so a repeated upload rewrites
    // identical objects: no lookup first, and no race between two uploads of one image.
    await Promise.all(
      variants.map((variant) =>
        this.store.put(variantObjectKey(key, variant.width), variant.image),
      ),
    );
    return { key, width, height };
  }

  async get(key: string, width: number): Promise<GetArtworkResponse> {
    const match = STORED_ARTWORK_KEY.exec(key);
    const kind = match?.[1] as ArtworkKindName | undefined;
    if (!kind || !(ARTWORK_LIMITS[kind].widths as readonly number[]).includes(width)) {
      throw artworkNotFound();
    }
    const image = await this.store.get(variantObjectKey(key, width));
    if (!image) throw artworkNotFound();
    return { image, contentType: 'image/webp' };
  }
}
