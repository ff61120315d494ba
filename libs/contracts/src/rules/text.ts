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
 * A name in lines of at most `width` characters, to draw on artwork: broken between words, a word
 * longer than a line cut short with "…", and the last of `maxLines` lines ending in "…" when the
 * name goes on past it. Characters as charLength counts them, so a cut never splits one. The
 * launcher's demo posters and the web app's drawn stand-ins both lay out a title's name by it.
 */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const cut = (line: string) =>
    `${Array.from(line)
      .slice(0, width - 1)
      .join('')}…`;
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && charLength(`${last} ${word}`) <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(charLength(word) > width ? cut(word) : word);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = cut(kept[maxLines - 1] ?? '');
  return kept;
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
