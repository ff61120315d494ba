import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from './problem.exception';

/** Validates a path parameter as a UUID, naming it in the 400 the client gets. */
export function uuidPipe(field: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      ProblemException.badRequest([{ field, description: `${field} must be a UUID` }]),
  });
}
