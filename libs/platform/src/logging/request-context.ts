import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';

interface RequestContext {
  requestId: string;
  /** Pods that answered the gRPC calls made for this request (their `x-served-by`), in order. */
  servedBy?: string[];
  /** Aborted once whoever asked for this work has gone (its client closed, its call cancelled). */
  signal?: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs fn with a request id visible to logs and outgoing gRPC calls made inside it, and the
 * signal that says when the caller has gone: reads made for it are then cancelled, and the
 * database work it queued is not started (see callerGoneInterceptor, guardAbandonedQueries).
 */
export function runWithRequestId<T>(requestId: string, fn: () => T, signal?: AbortSignal): T {
  return storage.run(signal ? { requestId, signal } : { requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * The controller of a caller's signal. Each read made for the caller listens to it while it runs,
 * and a page's request may make more than Node's default of 10 at once (a warning of a leak that
 * is not one): its listeners are not limited. Each is removed once its read has answered.
 */
export function callerController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** The signal of the caller the current work is for; undefined outside a request or call. */
export function currentCallerSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}

/**
 * Runs fn for `signal`'s callers rather than the current one's alone (the request id stays, for
 * logs, and the pods that answer are still listed for the current request); no signal: for
 * callers that never go.
 */
export function runForCallers<T>(signal: AbortSignal | undefined, fn: () => T): T {
  const store = storage.getStore();
  if (!store || store.signal === signal) return fn();
  store.servedBy ??= [];
  const shared: RequestContext = { requestId: store.requestId, servedBy: store.servedBy };
  return storage.run(signal ? { ...shared, signal } : shared, fn);
}

/**
 * The callers sharing one piece of work (one load of a cache entry that several requests wait
 * for): its signal is aborted only once every one of them has gone, and never while one that
 * cannot go (work outside any request) is among them, so the first request leaving cancels
 * nothing the others wait for. `end()` once the work is done lets go of their signals.
 */
export class CallerGroup {
  private readonly controller = callerController();
  private present = 0;
  private permanent = false;
  private readonly joined: AbortSignal[] = [];
  private readonly leave = () => {
    this.present -= 1;
    if (this.present === 0 && !this.permanent) this.controller.abort();
  };

  constructor(first: AbortSignal | undefined = currentCallerSignal()) {
    this.join(first);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Adds a caller (the current one by default); one already gone counts for nothing. */
  join(signal: AbortSignal | undefined = currentCallerSignal()): void {
    if (this.controller.signal.aborted) return;
    if (!signal) {
      this.permanent = true;
      return;
    }
    if (signal.aborted) {
      // Asked for by a caller already gone, with nobody else waiting: nobody needs it.
      if (this.present === 0 && !this.permanent) this.controller.abort();
      return;
    }
    this.present += 1;
    this.joined.push(signal);
    signal.addEventListener('abort', this.leave, { once: true });
  }

  end(): void {
    for (const signal of this.joined) signal.removeEventListener('abort', this.leave);
    this.joined.length = 0;
  }
}

/** What work whose caller has gone throws instead of starting (gRPC CANCELLED, never logged). */
export class CallerGoneError extends Error {
  constructor() {
    super('The caller went away before this work started.');
    this.name = 'CallerGoneError';
  }
}

export function recordServedBy(servedBy: string): void {
  const store = storage.getStore();
  if (!store) return;
  store.servedBy ??= [];
  if (!store.servedBy.includes(servedBy)) store.servedBy.push(servedBy);
}

/** Every pod that answered a gRPC call for this request, first first. */
export function currentServedBy(): readonly string[] {
  return storage.getStore()?.servedBy ?? [];
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is sane, otherwise makes a new one. */
export function acceptRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)
    ? incoming
    : randomUUID();
}
