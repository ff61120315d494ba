import { PROFILE_HEADER, TRACE_ID_HEADER } from '@kinema/contracts';
import type { AuthGate } from './auth-gate';
import type { LoadStats } from './load-stats';
import { routeTemplate } from './route-template';

/** What the client needs from the outside world; tests give it a fake gateway and no waiting. */
export interface Transport {
  fetch: typeof fetch;
  /** Waits `ms`, or rejects with the signal's reason once it aborts. */
  pause(ms: number, signal: AbortSignal): Promise<void>;
  /** Milliseconds on a monotonic clock. */
  now(): number;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query on the gateway, e.g. `/api/v1/titles?q=gal`. */
  path: string;
  token?: string;
  /** Sent as X-Profile-Id, as the web app does on every call once a profile is chosen. */
  profileId?: string;
  json?: unknown;
  /** Content type of `json` (default application/json). */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  /** 0 when no answer came. */
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Why no answer came. */
  failure?: string;
}

/** Thrown when the run stops while a request or a wait is under way: not a failure. */
export class Stopped extends Error {
  constructor() {
    super('stopped');
    this.name = 'Stopped';
  }
}

/** A request gets this long to answer completely before it counts as failed. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A Retry-After longer than this is waited out in steps of this, so a stop is not held up. */
const LONGEST_WAIT_MS = 60_000;
/** A 503 that names a Retry-After is tried again this many times before it is given up. */
const UNAVAILABLE_RETRIES = 2;
/** Sign-in, registration and refresh: what the gateway limits per address, and the gate paces. */
export const AUTH_PATH = /^\/api\/v1\/auth\//;

/** The body of an answer as JSON, or undefined when it is not. */
export function jsonOf<T>(answer: ApiAnswer): T | undefined {
  if (answer.body.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(answer.body).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Seconds of a Retry-After header (a number or an HTTP date) in milliseconds; 1 s if absent. */
export function retryAfterMs(value: string | null, nowEpochMs = Date.now()): number {
  if (value === null || value.trim() === '') return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - nowEpochMs);
}

/**
 * The gateway as a client sees it, with the manners of one: every request is timed to its last
 * byte and recorded under its route template; a 429 waits its Retry-After (counted as limited)
 * and tries again, and so does a 503 that names one, a few times; sign-in routes pass the gate
 * all of the run's clients share.
 */
export class ApiClient {
  constructor(
    private readonly target: string,
    private readonly stats: LoadStats,
    private readonly gate: AuthGate,
    private readonly transport: Transport,
    /** When it aborts, waits and requests end with Stopped. */
    readonly signal: AbortSignal,
    private readonly startedAt: number,
  ) {}

  /** The same client, ended by another signal (the admin's undo outlives the first Ctrl-C). */
  withSignal(signal: AbortSignal): ApiClient {
    return new ApiClient(
      this.target,
      this.stats,
      this.gate,
      this.transport,
      signal,
      this.startedAt,
    );
  }

  /** Waits `ms` unless the run stops first (then Stopped). */
  async pause(ms: number): Promise<void> {
    if (this.signal.aborted) throw new Stopped();
    if (ms <= 0) return;
    try {
      await this.transport.pause(ms, this.signal);
    } catch {
      throw new Stopped();
    }
  }

  async send(request: ApiRequest): Promise<ApiAnswer> {
    const auth = AUTH_PATH.test(request.path);
    let unavailable = 0;
    for (;;) {
      if (auth) await this.gate.enter(this);
      let answer: ApiAnswer;
      try {
        answer = await this.once(request);
      } finally {
        if (auth) this.gate.leave();
      }
      const waitMs = Math.min(retryAfterMs(answer.headers.get('retry-after')), LONGEST_WAIT_MS);
      if (answer.status === 429) {
        if (auth) this.gate.holdFor(waitMs, this.transport.now());
        await this.pause(waitMs);
        continue;
      }
      if (
        answer.status === 503 &&
        answer.headers.has('retry-after') &&
        unavailable < UNAVAILABLE_RETRIES
      ) {
        unavailable += 1;
        await this.pause(waitMs);
        continue;
      }
      return answer;
    }
  }

  /** One request, timed to the end of its body and recorded. */
  private async once(request: ApiRequest): Promise<ApiAnswer> {
    if (this.signal.aborted) throw new Stopped();
    const route = routeTemplate(request.method, request.path);
    const headers: Record<string, string> = { ...request.headers };
    if (request.token) headers['authorization'] = `Bearer ${request.token}`;
    if (request.profileId) headers[PROFILE_HEADER] = request.profileId;
    if (request.json !== undefined)
      headers['content-type'] = request.contentType ?? 'application/json';
    const started = this.transport.now();
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let answer: ApiAnswer;
    try {
      const response = await this.transport.fetch(`${this.target}${request.path}`, {
        method: request.method,
        headers,
        ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
        signal: AbortSignal.any([this.signal, timeout]),
      });
      answer = {
        status: response.status,
        headers: response.headers,
        body: new Uint8Array(await response.arrayBuffer()),
      };
    } catch (error) {
      if (this.signal.aborted) throw new Stopped();
      answer = {
        status: 0,
        headers: new Headers(),
        body: new Uint8Array(),
        failure: timeout.aborted
          ? `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`
          : failureReason(error),
      };
    }
    const finished = this.transport.now();
    const traceId = answer.headers.get(TRACE_ID_HEADER);
    this.stats.record({
      route,
      status: answer.status,
      latencyMs: finished - started,
      atMs: finished - this.startedAt,
      ...(traceId ? { traceId } : {}),
      ...(answer.failure ? { failure: answer.failure } : {}),
    });
    return answer;
  }
}

/** The innermost cause of a failed fetch (`ECONNREFUSED`, `other side closed`, ...). */
export function failureReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  const code =
    typeof current === 'object' && current !== null
      ? (current as { code?: unknown }).code
      : undefined;
  if (typeof code === 'string') return code;
  return current instanceof Error ? current.message : String(current);
}
