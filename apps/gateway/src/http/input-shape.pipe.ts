import { textViolation } from '@kinema/contracts';
import type { FieldViolation } from '@kinema/platform/errors';
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem.exception';
import { UNDECODABLE, undecodableParameters } from './query-string';

/** Every string in a value with its field path (`seasons[0].name`), walked without recursion. */
function* strings(value: unknown, root: string): Generator<[string, string]> {
  const stack: Array<[string, unknown]> = [[root, value]];
  while (stack.length > 0) {
    const [path, current] = stack.pop() as [string, unknown];
    if (typeof current === 'string') yield [path, current];
    else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push([`${path}[${index}]`, item]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        stack.push([path ? `${path}.${key}` : key, item]);
      }
    }
  }
}

/** What is said of a body that is no JSON object: every body of this API is one. */
export const NOT_AN_OBJECT: FieldViolation = {
  field: 'body',
  description: 'the body must be a JSON object',
};

/**
 * Shape rules that hold for every route, checked before the DTOs are: a body is a JSON object, no
 * NUL character or lone surrogate in any text (the contract's rule), no query parameter given
 * more than once (Fastify would hand a repeated one over as an array, which no parameter of this
 * API is), and none whose percent-encoding is broken (parseQueryString notes them).
 */
export class InputShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const violations: FieldViolation[] = [];
    // Every body of this API is an object; an empty one reads as {}. Left to the DTO, an array
    // or a bare value read as an object with every field missing.
    const body = metadata.type === 'body' && metadata.data === undefined;
    if (body && value != null && (typeof value !== 'object' || Array.isArray(value))) {
      throw ProblemException.badRequest([NOT_AN_OBJECT]);
    }
    if (metadata.type === 'query') {
      const entries: Array<[string, unknown]> =
        metadata.data !== undefined
          ? [[metadata.data, value]]
          : Object.entries((value as Record<string, unknown> | undefined) ?? {});
      for (const [name, given] of entries) {
        if (Array.isArray(given)) {
          violations.push({ field: name, description: `${name} is given more than once` });
        }
      }
      for (const name of undecodableParameters(value)) {
        violations.push({ field: name, description: `${name} has ${UNDECODABLE}` });
      }
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      for (const [field, text] of strings(value, metadata.data ?? '')) {
        const violation = textViolation(text);
        if (violation !== undefined)
          violations.push({
            field: field || 'body',
            description: `${field || 'the body'} ${violation}`,
          });
      }
    }
    if (violations.length > 0) throw ProblemException.badRequest(violations);
    return value;
  }
}
