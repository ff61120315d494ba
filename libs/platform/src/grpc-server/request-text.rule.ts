import { textViolation } from '@kinema/contracts';
import type { FieldViolation } from '../errors/domain-error';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Every text field of a decoded request that breaks the contract's text rule (textViolation),
 * named by its path as the .proto spells it (`title.seasons[0].name`). Bytes fields are not text.
 * (Decoded protobuf text is UTF-8, so of the rule's cases only a NUL can arrive here.)
 */
export function textViolations(request: unknown): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const stack: Array<[string, unknown]> = [['', request]];
  while (stack.length > 0) {
    const [path, value] = stack.pop() as [string, unknown];
    if (typeof value === 'string') {
      const violation = textViolation(value);
      if (violation !== undefined) violations.push({ field: path, description: violation });
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
