import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldViolation } from '@kinema/platform/errors';
import { ProblemException } from './problem.exception';

function flatten(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((description) => ({
      field,
      description,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** class-validator on every DTO; unknown fields are rejected and all violations named at once. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // One message per bad field: the first constraint it breaks.
    stopAtFirstError: true,
    exceptionFactory: (errors) => ProblemException.badRequest(flatten(errors)),
  });
}
