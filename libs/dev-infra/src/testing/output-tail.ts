/** The most of a system's output a failed run prints: the end, where the failure is. */
export const PRINTED_LINES = 500;

/**
 * What a failed run prints of a system's output: a heading, then the last lines, saying how many
 * earlier ones were left out. The e2e suites and the browser flows print it the same way.
 */
export function outputTail(heading: string, lines: readonly string[]): string {
  const left = lines.length - PRINTED_LINES;
  const kept = left > 0 ? ` (the last ${PRINTED_LINES}; ${left} earlier lines left out)` : '';
  return `\n${heading}${kept}:\n${lines.slice(-PRINTED_LINES).join('\n')}\n`;
}
