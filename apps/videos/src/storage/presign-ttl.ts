import { DomainError } from '@kinema/platform';

/** Longest life of a presigned URL this service issues. */
export const MAX_PRESIGN_TTL_SECONDS = 3_600;

/** A requested URL lifetime, checked: 1 to MAX_PRESIGN_TTL_SECONDS seconds. */
export function checkPresignTtl(ttlSeconds: number, field: string): number {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESIGN_TTL_SECONDS) {
    throw DomainError.invalid([
      { field, description: `must be from 1 to ${MAX_PRESIGN_TTL_SECONDS}` },
    ]);
  }
  return ttlSeconds;
}
