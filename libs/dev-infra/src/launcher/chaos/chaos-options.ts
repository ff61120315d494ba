import { parseArgs } from 'node:util';
import { SCALABLE_SERVICES, type ScalableService } from '../plan';

/** The services with a database of their own, which are also the gateway's gRPC peers. */
export const DATA_SERVICES = ['catalog', 'users', 'videos'] as const;
export type DataService = (typeof DATA_SERVICES)[number];

/** How long a fault lasts unless `--for` says otherwise. */
export const DEFAULT_CHAOS_DURATION_MS = 30_000;
/** `--for`: long enough to look, short enough that a forgotten fault ends by itself. */
export const CHAOS_DURATION_RANGE_MS = { min: 1_000, max: 3_600_000 } as const;
/** `--latency`: noticeable to well past the gateway's 5 s deadline, but not an outage. */
export const CHAOS_LATENCY_RANGE_MS = { min: 1, max: 10_000 } as const;

/** A scenario as `kinema chaos` asked for it, checked. */
export type ChaosRequest = { durationMs: number } & (
  | { scenario: 'broker-down' }
  | { scenario: 'users-down' }
  | { scenario: 'hung-replica'; service: ScalableService }
  | { scenario: 'crashed-replica'; service: ScalableService }
  | { scenario: 'slow-database'; service: DataService; latencyMs: number }
  | { scenario: 'slow-network'; service: DataService; latencyMs: number }
);
export type ChaosScenario = ChaosRequest['scenario'];

interface ScenarioSpec {
  /** Its line in `kinema chaos list`. */
  summary: string;
  /** The services `--service` may name; none: the scenario takes no `--service`. */
  services?: readonly string[];
  /** Takes `--latency` (required). */
  latency?: boolean;
}

/** Every scenario `kinema chaos` knows, in the order `kinema chaos list` shows them. */
export const CHAOS_SCENARIOS: Readonly<Record<ChaosScenario, ScenarioSpec>> = {
  'broker-down': {
    summary: 'the Kafka stand-in stops: events wait in the outboxes, consumers reconnect once back',
  },
  'slow-database': {
    summary: "every query of one service's database answers --latency late",
    services: DATA_SERVICES,
    latency: true,
  },
  'slow-network': {
    summary: 'every call from the gateway to one service answers --latency late',
    services: DATA_SERVICES,
    latency: true,
  },
  'hung-replica': {
    summary: 'one replica of a service freezes (SIGSTOP): calls sent to it hang to their deadline',
    services: SCALABLE_SERVICES,
  },
  'crashed-replica': {
    summary: 'one replica of a service is killed (SIGKILL); the launcher restarts it with backoff',
    services: SCALABLE_SERVICES,
  },
  'users-down': {
    summary: 'every users replica stops: sign-in and profiles answer 503, cached pages still load',
  },
};

/** A chaos command line that cannot be run: says what is wrong with it. */
export class ChaosOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChaosOptionError';
  }
}

function isScenario(name: string): name is ChaosScenario {
  return Object.hasOwn(CHAOS_SCENARIOS, name);
}

/** One scenario's arguments, as `kinema chaos list` and the usage text show them. */
export function scenarioUsage(name: ChaosScenario): string {
  const spec = CHAOS_SCENARIOS[name];
  return [
    name,
    ...(spec.services ? [`--service ${spec.services.join('|')}`] : []),
    ...(spec.latency ? ['--latency 300ms'] : []),
    '[--for 30s]',
  ].join(' ');
}

/**
 * Reads `<scenario> [--service S] [--latency 300ms] [--for 30s]`, as the command line gives it
 * (the `kinema chaos` command checks it before asking the launcher, which checks it again).
 * Throws ChaosOptionError naming what is wrong.
 */
export function parseChaosArgs(args: readonly string[]): ChaosRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        service: { type: 'string' },
        latency: { type: 'string' },
        for: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's own message, whatever realm the error comes from; an unknown option said plainly
    // (Node's advice about positionals starting with a dash does not apply here).
    const message = String((error as { message?: unknown } | undefined)?.message ?? error);
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new ChaosOptionError(
      unknown ? `unknown option ${unknown}: chaos takes --service, --latency and --for` : message,
    );
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (name === undefined) {
    throw new ChaosOptionError(
      `name a scenario: ${Object.keys(CHAOS_SCENARIOS).join(', ')} (or \`chaos list\`)`,
    );
  }
  if (!isScenario(name)) {
    throw new ChaosOptionError(
      `no scenario "${name}"; there are ${Object.keys(CHAOS_SCENARIOS).join(', ')}`,
    );
  }
  if (extra.length > 0) {
    throw new ChaosOptionError(`${name} takes no argument "${extra.join(' ')}"`);
  }
  const spec = CHAOS_SCENARIOS[name];
  const durationMs =
    values.for === undefined
      ? DEFAULT_CHAOS_DURATION_MS
      : parseDurationMs('--for', values.for, CHAOS_DURATION_RANGE_MS);

  if (!spec.services && values.service !== undefined) {
    throw new ChaosOptionError(`${name} takes no --service (usage: ${scenarioUsage(name)})`);
  }
  if (!spec.latency && values.latency !== undefined) {
    throw new ChaosOptionError(`${name} takes no --latency (usage: ${scenarioUsage(name)})`);
  }
  if (name === 'broker-down' || name === 'users-down') return { scenario: name, durationMs };

  const service = values.service;
  if (service === undefined) {
    throw new ChaosOptionError(`${name} needs --service (usage: ${scenarioUsage(name)})`);
  }
  if (!spec.services?.includes(service)) {
    throw new ChaosOptionError(
      `--service must be one of ${spec.services?.join(', ')} for ${name} (got "${service}")`,
    );
  }
  if (name === 'hung-replica' || name === 'crashed-replica') {
    return { scenario: name, service: service as ScalableService, durationMs };
  }
  if (values.latency === undefined) {
    throw new ChaosOptionError(`${name} needs --latency (usage: ${scenarioUsage(name)})`);
  }
  const latencyMs = parseDurationMs('--latency', values.latency, CHAOS_LATENCY_RANGE_MS);
  return { scenario: name, service: service as DataService, latencyMs, durationMs };
}

/**
 * `300ms`, `1.5s`, `2m` in milliseconds, within `range`. Three units and one pattern: a duration
 * library would add a dependency for less than this.
 */
export function parseDurationMs(
  option: string,
  text: string,
  range: { min: number; max: number },
): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  const scale = { ms: 1, s: 1_000, m: 60_000 } as const;
  const ms = match ? Math.round(Number(match[1]) * scale[match[2] as keyof typeof scale]) : NaN;
  if (!(ms >= range.min && ms <= range.max)) {
    throw new ChaosOptionError(
      `${option} must be a duration from ${formatDuration(range.min)} to ${formatDuration(range.max)}, ` +
        `a number and ms, s or m (got "${text}")`,
    );
  }
  return ms;
}

/** 300 -> `300ms`, 1500 -> `1.5s`, 120000 -> `2m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Number((ms / 1_000).toFixed(3))}s`;
  return `${ms / 60_000}m`;
}
