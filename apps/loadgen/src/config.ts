import { parseArgs } from 'node:util';
import { ACCOUNT_LIMITS } from '@kinema/contracts';
import { z } from 'zod';

/** What a run does, after the command line and the environment are read and checked. */
export interface LoadOptions {
  /** The gateway's base URL, without a trailing slash. */
  target: string;
  users: number;
  /** How long to run, in milliseconds; 0 runs until stopped. */
  durationMs: number;
  /** Viewers start spread evenly over this many milliseconds. */
  rampMs: number;
  /** Each pause of a viewer or the admin lasts between these (milliseconds). */
  think: { minMs: number; maxMs: number };
  seed: number;
  /** Whether the seed was chosen by the run (printed, so the run can be repeated). */
  seedChosen: boolean;
  admin?: { email: string; password: string };
  viewerPassword: string;
  /** How long to keep trying to reach the target at start (0: one try). */
  waitMs: number;
  /** How often the live table is drawn (and over how long its rates and percentiles run). */
  intervalMs: number;
  /** A port to answer /healthz on (for a liveness probe), when given. */
  healthPort?: number;
}

export const USAGE = `Usage: kinema load [options]   (node apps/loadgen/dist/main.js [options])

Simulates viewers (and an admin) using the Kinema API the way the web app does, and prints a live
table per route: requests/s, errors (5xx and network failures), limited (429), p50 and p99.
  --target URL            the gateway (LOAD_TARGET; default http://localhost:3000)
  --users N               concurrent viewers (LOAD_USERS; default 10)
  --duration 60s          how long to run; 0 runs until Ctrl-C (LOAD_DURATION; default 0)
  --ramp 10s              start the viewers spread over this (LOAD_RAMP; default 10s, or
                          the whole run when it is shorter)
  --think 1s..4s          pause between a viewer's steps, random in this range (LOAD_THINK)
  --seed N                make the viewers' choices repeatable (LOAD_SEED; default random)
  --admin-email EMAIL     add one admin who renames titles and renames them back
  --admin-password PASS   (LOAD_ADMIN_EMAIL, LOAD_ADMIN_PASSWORD; no admin without them)
  --viewer-password PASS  password of the load-viewer-<n> accounts (LOAD_VIEWER_PASSWORD)
  --wait 0s               keep trying to reach the target this long at start (LOAD_WAIT)
  --interval 2s           how often the table is drawn (LOAD_INTERVAL)
  --health-port PORT      answer GET /healthz on this port while running (LOAD_HEALTH_PORT)
Durations: 500ms, 20s, 5m, 1h (a bare number is seconds). Ctrl-C stops and prints the summary.`;

/** The ramp unless one is given: 10 s, or the whole of a shorter run. */
const DEFAULT_RAMP_MS = 10_000;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** The longest duration any option takes: a week. */
const MAX_DURATION_MS = 7 * 24 * 3_600_000;

/** `20s`, `500ms`, `5m`, `1h` or a bare number of seconds, in milliseconds; undefined if not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000));
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

const duration = (what: string) =>
  z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      context.addIssue({
        code: 'custom',
        message: `expected ${what}, a duration such as 500ms, 20s, 5m or 1h (got "${text}")`,
      });
      return z.NEVER;
    }
    return ms;
  });

const wholeNumber = (min: number, max: number) =>
  z.string().transform((text, context) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
      context.addIssue({
        code: 'custom',
        message: `expected a whole number from ${min} to ${max} (got "${text}")`,
      });
      return z.NEVER;
    }
    return value;
  });

const thinkRange = z.string().transform((text, context) => {
  const [low = '', high = low] = text.split('..');
  const minMs = parseDuration(low);
  const maxMs = parseDuration(high);
  if (minMs === undefined || maxMs === undefined || minMs > maxMs) {
    context.addIssue({
      code: 'custom',
      message: `expected a range such as 1s..4s (or one duration), lower bound first (got "${text}")`,
    });
    return z.NEVER;
  }
  return { minMs, maxMs };
});

const httpUrl = z.string().transform((text, context) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    context.addIssue({
      code: 'custom',
      message: `expected the gateway's http(s) URL, such as http://localhost:3000 (got "${text}")`,
    });
    return z.NEVER;
  }
  return url.toString().replace(/\/+$/, '');
});

const { emailLength, passwordMinLength, passwordMaxLength } = ACCOUNT_LIMITS;

/**
 * Every setting, by its environment variable (the chart sets these; each command-line option
 * overrides its variable). Values arrive as strings from either place.
 */
export const configSchema = z.object({
  /** Set to production by the chart for every Kinema container; nothing here depends on it. */
  NODE_ENV: z.enum(['development', 'production', 'test']).optional(),
  LOAD_TARGET: httpUrl.default('http://localhost:3000'),
  LOAD_USERS: wholeNumber(1, 10_000).default(10),
  LOAD_DURATION: duration('how long to run (0: until stopped)').default(0),
  LOAD_RAMP: duration('the time over which viewers start').optional(),
  LOAD_THINK: thinkRange.default({ minMs: 1000, maxMs: 4000 }),
  LOAD_SEED: wholeNumber(0, 2 ** 32 - 1).optional(),
  LOAD_ADMIN_EMAIL: z.string().min(1).max(emailLength).optional(),
  LOAD_ADMIN_PASSWORD: z.string().min(1).max(passwordMaxLength).optional(),
  LOAD_VIEWER_PASSWORD: z
    .string()
    .min(passwordMinLength)
    .max(passwordMaxLength)
    .default('kinema-load-viewer'),
  LOAD_WAIT: duration('how long to wait for the target').default(0),
  LOAD_INTERVAL: duration('the table interval')
    .refine((ms) => ms >= 100, 'expected at least 100ms')
    .default(2000),
  LOAD_HEALTH_PORT: wholeNumber(1, 65_535).optional(),
});

type ConfigKey = keyof z.input<typeof configSchema>;

/** Each command-line option and the variable it overrides. */
const FLAGS: Record<string, ConfigKey> = {
  target: 'LOAD_TARGET',
  users: 'LOAD_USERS',
  duration: 'LOAD_DURATION',
  ramp: 'LOAD_RAMP',
  think: 'LOAD_THINK',
  seed: 'LOAD_SEED',
  'admin-email': 'LOAD_ADMIN_EMAIL',
  'admin-password': 'LOAD_ADMIN_PASSWORD',
  'viewer-password': 'LOAD_VIEWER_PASSWORD',
  wait: 'LOAD_WAIT',
  interval: 'LOAD_INTERVAL',
  'health-port': 'LOAD_HEALTH_PORT',
};

export type ParsedOptions =
  | { kind: 'run'; options: LoadOptions }
  | { kind: 'help' }
  | { kind: 'invalid'; problems: string[] };

/**
 * Reads the options from the command line, falling back to the environment, and checks them all
 * at once: every problem is named with the option (and variable) it came from.
 */
export function parseOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  chooseSeed: () => number = () => Math.floor(Math.random() * 2 ** 32),
): ParsedOptions {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' }])),
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    return { kind: 'invalid', problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (flags['help']) return { kind: 'help' };
  const raw: Partial<Record<ConfigKey, string>> = {};
  for (const key of Object.values(FLAGS)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (env['NODE_ENV']) raw.NODE_ENV = env['NODE_ENV'];
  for (const [flag, key] of Object.entries(FLAGS)) {
    const value = flags[flag];
    if (typeof value === 'string') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      problems: parsed.error.issues.map((issue) => `${nameOf(issue.path[0])}: ${issue.message}`),
    };
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (Boolean(config.LOAD_ADMIN_EMAIL) !== Boolean(config.LOAD_ADMIN_PASSWORD)) {
    problems.push(
      '--admin-email and --admin-password (LOAD_ADMIN_EMAIL, LOAD_ADMIN_PASSWORD) go together: give both or neither',
    );
  }
  if (
    config.LOAD_DURATION > 0 &&
    config.LOAD_RAMP !== undefined &&
    config.LOAD_RAMP > config.LOAD_DURATION
  ) {
    problems.push('--ramp (LOAD_RAMP): expected no longer than --duration');
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  const seedChosen = config.LOAD_SEED === undefined;
  return {
    kind: 'run',
    options: {
      target: config.LOAD_TARGET,
      users: config.LOAD_USERS,
      durationMs: config.LOAD_DURATION,
      rampMs:
        config.LOAD_RAMP ??
        (config.LOAD_DURATION > 0
          ? Math.min(DEFAULT_RAMP_MS, config.LOAD_DURATION)
          : DEFAULT_RAMP_MS),
      think: config.LOAD_THINK,
      seed: config.LOAD_SEED ?? chooseSeed(),
      seedChosen,
      ...(config.LOAD_ADMIN_EMAIL && config.LOAD_ADMIN_PASSWORD
        ? { admin: { email: config.LOAD_ADMIN_EMAIL, password: config.LOAD_ADMIN_PASSWORD } }
        : {}),
      viewerPassword: config.LOAD_VIEWER_PASSWORD,
      waitMs: config.LOAD_WAIT,
      intervalMs: config.LOAD_INTERVAL,
      ...(config.LOAD_HEALTH_PORT ? { healthPort: config.LOAD_HEALTH_PORT } : {}),
    },
  };
}

/** `--users (LOAD_USERS)` for a variable with an option, the variable alone otherwise. */
function nameOf(key: PropertyKey | undefined): string {
  const flag = Object.entries(FLAGS).find(([, variable]) => variable === key)?.[0];
  return flag ? `--${flag} (${String(key)})` : String(key);
}
