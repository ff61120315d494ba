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

// In a `u` regular expression a surrogate matches only when it is not half of a pair.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What no text field anywhere may hold: U+0000 (PostgreSQL cannot store it in text, and no person
 * types it) and a lone UTF-16 surrogate (JSON's `"\ud800"` escapes half a character, which UTF-8
 * cannot encode: it would be stored silently as U+FFFD). The gateway refuses both in every field
 * of every request, each service in every field of every call; this is the one rule both apply.
 * Answers what is wrong with the value (to follow its field name), or undefined when nothing is.
 */
export function textViolation(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters (U+0000)';
  if (LONE_SURROGATE.test(value)) {
    return 'must not contain lone surrogates (half of a UTF-16 pair, such as \\ud800)';
  }
  return undefined;
}
