import type { PipeTransform } from '@nestjs/common';
import { isUuid } from '@kinema/contracts';
import { ProblemException } from './problem.exception';

/** Validates a path parameter as a UUID (the contract's pattern), naming it in the 400. */
export function uuidPipe(field: string): PipeTransform<unknown, string> {
  return {
    transform: (value: unknown) => {
      if (!isUuid(value)) {
        throw ProblemException.badRequest([{ field, description: `${field} must be a UUID` }]);
      }
      return value;
    },
  };
}
