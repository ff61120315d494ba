import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldViolation } from '@kinema/platform/errors';
import { ProblemException } from './problem.exception';

/**
 * class-validator's rules that say what kind of value a field takes. A value of the wrong kind
 * breaks every rule of its field, and the one to name is this one: a password given as 7 is not
 * "longer than 128 characters", nor a limit of `abc` "greater than 100".
 */
const KIND_RULES = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'nestedValidation',
]);

/**
 * What to say of a field nothing declares: class-validator's own words (`property colour should
 * not exist`), except for `?=5` or `{"": 5}`, which those would call "property  should not exist".
 */
export function unknownFieldDescription(name: string): string {
  return name === ''
    ? 'a field without a name should not exist'
    : `property ${name} should not exist`;
}

/**
 * What to say of one field: that it is required when it is missing, else the rule of its kind
 * when that is broken, else the first broken rule class-validator found. Not class-validator's
 * `stopAtFirstError`, which stops at the first rule in the order it checks them: the decorator
 * nearest the property, so the last one a reader sees (the range), but the first one in a
 * decorator composed with `applyDecorators`.
 */
function whatIsWrong(error: ValidationError): string | undefined {
  const broken = Object.entries(error.constraints ?? {});
  if (broken.length === 0) return undefined;
  // The value is kept on an error without children; a property the body or query left out is
  // there as undefined (an optional one is not checked at all). Named as class-validator's own
  // messages name a field: by its property, with the whole path beside it in `field`.
  if ('value' in error && error.value === undefined) return `${error.property} is required`;
  if ('whitelistValidation' in (error.constraints ?? {})) {
    return unknownFieldDescription(error.property);
  }
  return (broken.find(([rule]) => KIND_RULES.has(rule)) ?? broken[0])?.[1];
}

function flatten(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const description = whatIsWrong(error);
    // A field that is itself wrong is named once; what is wrong inside it would follow from that.
    if (description !== undefined) return [{ field, description }];
    return flatten(error.children ?? [], field);
  });
}

/** class-validator on every DTO; unknown fields are rejected and all bad fields named at once. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => ProblemException.badRequest(flatten(errors)),
  });
}
