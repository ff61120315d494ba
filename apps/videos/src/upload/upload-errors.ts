import { DomainError } from '@kinema/platform';
import { UnprocessableVideoError } from '../probe/probe-result';

const CANCELLED_REASON = 'the upload was cancelled by the client';

/** The client went away (cancelled the call or its deadline passed) mid-upload. */
export class UploadCancelledError extends Error {
  constructor() {
    super(CANCELLED_REASON);
    this.name = 'UploadCancelledError';
  }
}

/**
 * The message stream ended before the declared size. A short upload, unless the call turns out
 * cancelled: a cancelling grpc-js client sends the end of its messages before the reset, so a
 * cancelled upload first looks like one that ended short.
 */
export class UploadEndedShortError extends Error {
  constructor(
    readonly declared: number,
    readonly received: number,
  ) {
    super(`the upload ended after ${received} of ${declared} bytes`);
    this.name = 'UploadEndedShortError';
  }
}

export function sizeMismatch(declared: number, received: number | null): DomainError {
  return new DomainError(
    'invalid_argument',
    'VIDEO_SIZE_MISMATCH',
    received === null
      ? `The upload sent more than the declared ${declared} bytes.`
      : `The upload sent ${received} bytes but declared ${declared}.`,
    [{ field: 'metadata.content_length', description: 'must equal the number of bytes sent' }],
  );
}

export interface UploadFailure {
  /** What the caller is answered. */
  error: DomainError;
  /** What the row and the VideoFailed event record. */
  reason: string;
  /** Whether the cause is ours (storage, database) rather than the client's: worth a log line. */
  unexpected: boolean;
}

/**
 * Turns whatever stopped an upload into the answer, the recorded reason and its severity.
 * `cancelled` is whether the call was cancelled by the time the reason is recorded.
 */
export function classifyUploadFailure(
  error: unknown,
  contentType: string,
  cancelled: boolean,
): UploadFailure {
  if (error instanceof UnprocessableVideoError) {
    return {
      error: new DomainError(
        'invalid_argument',
        'VIDEO_UNPROCESSABLE',
        `The file is not a valid ${contentType} video: ${error.message}.`,
      ),
      reason: `not a valid ${contentType} video: ${error.message}`,
      unexpected: false,
    };
  }
  if (
    error instanceof UploadCancelledError ||
    (cancelled && error instanceof UploadEndedShortError)
  ) {
    return {
      error: new DomainError('aborted', 'UPLOAD_CANCELLED', 'The upload was cancelled.'),
      reason: CANCELLED_REASON,
      unexpected: false,
    };
  }
  if (error instanceof UploadEndedShortError) {
    const mismatch = sizeMismatch(error.declared, error.received);
    return { error: mismatch, reason: mismatch.message, unexpected: false };
  }
  if (error instanceof DomainError) {
    return { error, reason: error.message, unexpected: false };
  }
  return {
    error: new DomainError(
      'unavailable',
      'VIDEO_STORE_UNAVAILABLE',
      'The video could not be stored; try again.',
    ),
    reason: 'the video could not be stored',
    unexpected: true,
  };
}
