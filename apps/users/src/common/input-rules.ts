import { isUuid } from '@kinema/contracts';
import { DomainError, type FieldViolation } from '@kinema/platform';

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
