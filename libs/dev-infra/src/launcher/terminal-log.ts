import { prettyFactory } from 'pino-pretty';
import type { LogSink } from './supervisor';

const LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

export interface TerminalLogOptions {
  /** Pass every line through as JSON (one object per line) instead of formatting it for people. */
  json: boolean;
  colour: boolean;
  /** Lines below this level are not shown (the processes may still log them). */
  level: string;
  write: (text: string) => void;
}

const COLOURS = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95];

/**
 * How the launcher shows its processes' output. The services log JSON (pino); for a terminal each
 * line is formatted by pino-pretty (levelled, coloured, one line) behind the process's name, and
 * lines below the chosen level are left out, so the status lines and the banner stay readable.
 * With `json`, every line is passed on as JSON: service lines as they are, anything else (a
 * stand-in's plain text, a Node warning) wrapped with the process's name.
 */
export function terminalLog(options: TerminalLogOptions): LogSink {
  const threshold = LEVELS[options.level] ?? LEVELS['info'] ?? 30;
  const pretty = prettyFactory({
    colorize: options.colour,
    singleLine: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,service',
  });
  const labels = new Map<string, string>();
  const label = (name: string): string => {
    let text = labels.get(name);
    if (!text) {
      const padded = name.padEnd(16);
      const colour = COLOURS[labels.size % COLOURS.length] ?? 36;
      text = options.colour ? `\u001b[${colour}m${padded}\u001b[0m` : padded;
      labels.set(name, text);
    }
    return text;
  };
  return (name, line, stream) => {
    const entry = parseEntry(line);
    if (options.json) {
      options.write(
        `${entry ? line : JSON.stringify({ level: stream === 'stderr' ? 'warn' : 'info', service: name, msg: line })}\n`,
      );
      return;
    }
    if (entry) {
      if ((LEVELS[String(entry.level)] ?? Number(entry.level)) < threshold) return;
      options.write(`${label(name)}| ${pretty(entry).trimEnd()}\n`);
      return;
    }
    // Plain text: a stand-in's notes (shown from info) or a runtime warning on stderr (always).
    if (stream === 'stderr' || threshold <= (LEVELS['info'] ?? 30)) {
      options.write(`${label(name)}| ${line}\n`);
    }
  };
}

function parseEntry(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && 'level' in value
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True when `level` is one of pino's level names. */
export function isLogLevel(level: string): boolean {
  return level in LEVELS;
}
