import { isUuid, type UploadVideoMetadata } from '@kinema/contracts';
import { DomainError, type FieldViolation } from '@kinema/platform';
import { isVideoContentType, type VideoContentType } from '../probe/video-probe';

export interface UploadRequest {
  titleId: string;
  episodeId: string | null;
  contentType: VideoContentType;
  declaredSize: number;
}

/** Validates an upload's first message. Ids are normalised to lower case, as PostgreSQL prints them. */
export function parseUploadMetadata(
  metadata: UploadVideoMetadata | undefined,
  maxBytes: number,
): UploadRequest {
  if (!metadata) {
    throw new DomainError(
      'invalid_argument',
      'UPLOAD_METADATA_REQUIRED',
      'The first message of an upload must carry its metadata.',
    );
  }
  const violations: FieldViolation[] = [];
  const titleId = metadata.titleId.trim().toLowerCase();
  const episodeId = metadata.episodeId.trim().toLowerCase();
  const contentType = metadata.contentType.trim().toLowerCase();
  if (!isUuid(titleId)) {
    violations.push({ field: 'metadata.title_id', description: 'must be a UUID' });
  }
  if (episodeId !== '' && !isUuid(episodeId)) {
    violations.push({ field: 'metadata.episode_id', description: 'must be a UUID or empty' });
  }
  if (!isVideoContentType(contentType)) {
    violations.push({
      field: 'metadata.content_type',
      description: 'must be video/mp4 or video/webm',
    });
  }
  if (!Number.isSafeInteger(metadata.contentLength) || metadata.contentLength <= 0) {
    violations.push({ field: 'metadata.content_length', description: 'must be above 0' });
  }
  if (violations.length > 0 || !isVideoContentType(contentType)) {
    throw DomainError.invalid(violations, 'The upload metadata is invalid.');
  }
  if (metadata.contentLength > maxBytes) {
    throw new DomainError(
      'invalid_argument',
      'VIDEO_TOO_LARGE',
      `A video may have at most ${maxBytes} bytes.`,
      [{ field: 'metadata.content_length', description: `must be at most ${maxBytes}` }],
    );
  }
  return {
    titleId,
    episodeId: episodeId === '' ? null : episodeId,
    contentType,
    declaredSize: metadata.contentLength,
  };
}
