import { containsNul, NUL_VIOLATION } from '@kinema/contracts';
import type { FieldViolation } from '../errors/domain-error';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Every text field of a decoded request that breaks the contract's text rule (no NUL), named by
 * its path as the .proto spells it (`title.seasons[0].name`). Bytes fields are not text and pass.
 */
export function textViolations(request: unknown): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const stack: Array<[string, unknown]> = [['', request]];
  while (stack.length > 0) {
    const [path, value] = stack.pop() as [string, unknown];
    if (typeof value === 'string') {
      if (containsNul(value)) violations.push({ field: path, description: NUL_VIOLATION });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([`${path}[${index}]`, item]));
    } else if (
      value !== null &&
      typeof value === 'object' &&
      !Buffer.isBuffer(value) &&
      !(value instanceof Date)
    ) {
      for (const [key, item] of Object.entries(value)) {
        stack.push([path ? `${path}.${snake(key)}` : snake(key), item]);
      }
    }
  }
  return violations;
}
