import { STORED_ARTWORK_KEY } from '@kinema/contracts/artwork-limits';
import type { paths } from '../schema/generated/schema';

/** A variant file the gateway serves, as its OpenAPI document lists them (e.g. `400.webp`). */
export type VariantFile =
  paths['/api/v1/artwork/{kind}/{hash}/{file}']['get']['parameters']['path']['file'];

/** Whether the videos service stored this key (others, e.g. typed in by hand, name no image). */
export function isStoredArtwork(key: string | undefined): key is string {
  return STORED_ARTWORK_KEY.test(key ?? '');
}

/** The URL of one resized variant of a stored image. */
export function artworkUrl(key: string, file: VariantFile): string {
  return `/api/v1/${key}/${file}`;
}
