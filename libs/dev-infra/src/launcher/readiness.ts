import { OPS_PATHS, READINESS_PROBE } from '@kinema/contracts/supervision';
import { probe } from './probe';
import { HOST, type ManagedProcess } from './supervisor';

/**
 * Asks the listener the process's HTTP check is on for `path` (that check's own path unless
 * given), within `timeoutMs`: 'unchecked' for a process started without an HTTP check, undefined
 * when nothing answered (no port yet, or no answer in time).
 */
async function ask(
  process: ManagedProcess,
  timeoutMs: number,
  path?: string,
): Promise<Response | 'unchecked' | undefined> {
  const check = process.spec.ready;
  if (check.kind !== 'http') return 'unchecked';
  const port = process.listeners[check.listener];
  if (port === undefined) return undefined;
  return probe(`http://${HOST}:${port}${path ?? check.path}`, timeoutMs).catch(() => undefined);
}

/**
 * What the process's own readiness check answers now, within `timeoutMs` (the kubelet's wait by
 * default): 200 or not, and its JSON details.
 */
export async function readiness(
  process: ManagedProcess,
  timeoutMs: number = READINESS_PROBE.timeoutMs,
): Promise<{ ready: boolean; body?: unknown }> {
  const response = await ask(process, timeoutMs);
  if (response === 'unchecked') return { ready: true };
  if (!response) return { ready: false };
  try {
    return { ready: response.ok, body: await response.json() };
  } catch {
    return { ready: false };
  }
}

/**
 * Whether the process answers its liveness path (`/healthz`, on the listener its readiness is asked
 * on) with 2xx within `timeoutMs`; a process without an HTTP check is taken to be alive.
 */
export async function alive(process: ManagedProcess, timeoutMs: number): Promise<boolean> {
  const response = await ask(process, timeoutMs, OPS_PATHS.liveness);
  if (response === 'unchecked') return true;
  if (!response) return false;
  try {
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds or `timeoutMs` passes; whether it came to hold. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * One part of a /readyz body's details, as a service's ReadinessDetails source registered it
 * (`details.lifecycle.<part>`: `messaging`, `artwork`, ...); undefined when the body has none.
 */
export function readinessDetail<T extends object>(
  body: unknown,
  part: string,
): Partial<T> | undefined {
  const lifecycle = (body as { details?: { lifecycle?: Record<string, unknown> } } | undefined)
    ?.details?.lifecycle;
  return lifecycle?.[part] as Partial<T> | undefined;
}
