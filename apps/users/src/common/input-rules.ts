import { DomainError, type FieldViolation } from '@kinema/platform';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Length in characters (code points), so an emoji counts once, as a person would count it. */
export function charLength(value: string): number {
  return Array.from(value).length;
}

/** Whether a string has more than `max` characters, without walking megabytes to find out. */
export function longerThan(value: string, max: number): boolean {
  // A code point takes one or two UTF-16 units, so the unit count bounds the character count.
  if (value.length <= max) return false;
  return value.length > 2 * max || charLength(value) > max;
}

/**
 * Collects every violation of a request so the caller hears about all of them at once, then
 * throws INVALID_ARGUMENT (or returns the normalised values when there were none).
 */
export class Violations {
  private readonly list: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.list.push({ field, description });
  }

  /** The id lower-cased when it is a UUID; records a violation (and returns '') otherwise. */
  uuid(field: string, value: string): string {
    if (value === '') this.add(field, 'is required');
    else if (!isUuid(value)) this.add(field, 'must be a UUID');
    return value.toLowerCase();
  }

  /** A UUID or empty (for optional ids); lower-cased. */
  optionalUuid(field: string, value: string): string | null {
    if (value === '') return null;
    if (!isUuid(value)) this.add(field, 'must be a UUID or empty');
    return value.toLowerCase();
  }

  /** 0 means `fallback`; otherwise 1..max. */
  limit(field: string, value: number, fallback: number, max: number): number {
    if (value === 0) return fallback;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      this.add(field, `must be from 1 to ${max}, or 0 for ${fallback}`);
    }
    return value;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw DomainError.invalid([...this.list]);
  }
}
