import { HttpException } from '@nestjs/common';
import { problem, type FieldViolation, type ProblemDetails } from '@kinema/platform/errors';

/** An HTTP error that already knows its problem+json body. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }

  static badRequest(
    errors: FieldViolation[],
    detail = 'The request is invalid.',
  ): ProblemException {
    return new ProblemException(
      problem(400, 'Bad Request', { detail, code: 'VALIDATION_FAILED', errors }),
    );
  }
}
