import type { ServiceErrorCode } from '@kinema/contracts';

/** What kind of failure a domain error is; each transport maps kinds to its own status codes. */
export type ErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'aborted'
  | 'failed_precondition'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'unavailable';

export interface FieldViolation {
  field: string;
  description: string;
}

/** An expected failure with a stable code, safe to show to clients (never carries a stack). */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ServiceErrorCode,
    message: string,
    readonly fieldViolations: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(violations: FieldViolation[], message = 'The request is invalid.'): DomainError {
    return new DomainError('invalid_argument', 'VALIDATION_FAILED', message, violations);
  }

  static notFound(code: ServiceErrorCode, message: string): DomainError {
    return new DomainError('not_found', code, message);
  }
}
