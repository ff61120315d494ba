import type { paths } from '../schema/generated/schema';

/** A variant file the gateway serves, as its OpenAPI document lists them (e.g. `400.webp`). */
export type VariantFile =
  paths['/api/v1/artwork/{kind}/{hash}/{file}']['get']['parameters']['path']['file'];

/** Keys the videos service stored (others, e.g. typed in by hand, name no image). */
const STORED_KEY = /^artwork\/(poster|backdrop)\/[0-9a-f]{64}$/;

export function isStoredArtwork(key: string | undefined): key is string {
  return STORED_KEY.test(key ?? '');
}

/** The URL of one resized variant of a stored image. */
export function artworkUrl(key: string, file: VariantFile): string {
  return `/api/v1/${key}/${file}`;
}
