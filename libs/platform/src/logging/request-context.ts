import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface RequestContext {
  requestId: string;
  /** Pods that answered the gRPC calls made for this request (their `x-served-by`), in order. */
  servedBy?: string[];
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs fn with a request id visible to logs and outgoing gRPC calls made inside it. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
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
