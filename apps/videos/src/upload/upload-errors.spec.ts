import { DomainError } from '@kinema/platform';
import {
  classifyUploadFailure,
  UploadCancelledError,
  UploadEndedShortError,
} from './upload-errors';

describe('classifyUploadFailure', () => {
  const short = new UploadEndedShortError(100, 40);

  it('answers a stream that ended short with VIDEO_SIZE_MISMATCH when the call is still there', () => {
    const failure = classifyUploadFailure(short, 'video/mp4', false);
    expect(failure.error).toBeInstanceOf(DomainError);
    expect(failure.error.code).toBe('VIDEO_SIZE_MISMATCH');
    expect(failure.reason).toBe('The upload sent 40 bytes but declared 100.');
  });

  it('records a stream that ended short of a call since cancelled as a cancellation', () => {
    const failure = classifyUploadFailure(short, 'video/mp4', true);
    expect(failure.error.code).toBe('UPLOAD_CANCELLED');
    expect(failure.reason).toBe(new UploadCancelledError().message);
    expect(failure.unexpected).toBe(false);
  });

  it('keeps a client error that came first, even from a call since cancelled', () => {
    const tooBig = new DomainError('invalid_argument', 'VIDEO_TOO_LARGE', 'too large');
    expect(classifyUploadFailure(tooBig, 'video/mp4', true).error.code).toBe('VIDEO_TOO_LARGE');
  });
});
