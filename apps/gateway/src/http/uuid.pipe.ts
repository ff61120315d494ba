import type { PipeTransform } from '@nestjs/common';
import { isUuid } from '@kinema/contracts';
import { ProblemException } from './problem.exception';

/** Validates a path parameter as a UUID (the contract's pattern), naming it in the 400. */
export class UuidPipe implements PipeTransform<unknown, string> {
  constructor(private readonly field: string) {}

  transform(value: unknown): string {
    if (!isUuid(value)) {
      const { field } = this;
      throw ProblemException.badRequest([{ field, description: `${field} must be a UUID` }]);
    }
    return value;
  }
}

/** The UUID pipe of one path parameter. */
export function uuidPipe(field: string): UuidPipe {
  return new UuidPipe(field);
}
