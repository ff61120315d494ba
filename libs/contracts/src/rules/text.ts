/**
 * Length in characters (code points), so an emoji counts once, as a person counts it, and as the
 * gateway's validator counts it. Every length limit of the contract is in these characters.
 */
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
 * No text field anywhere may hold U+0000: PostgreSQL cannot store it in text, and no person types
 * it. The gateway refuses it in every field of every request, each service in every field of every
 * call; this is the one rule both apply.
 */
export function containsNul(value: string): boolean {
  return value.includes('\u0000');
}

export const NUL_VIOLATION = 'must not contain NUL characters (U+0000)';
