import { HOST, type ManagedProcess } from '../supervisor';

/** A process's ops endpoint (`/metrics`, `/readyz`), or a note when it has no ops port. */
export function opsUrl(process: ManagedProcess | undefined, path: string): string {
  const port = process?.listeners.ops;
  return port === undefined
    ? `(${process?.spec.name ?? 'it'} has no ops port)`
    : `http://${HOST}:${port}${path}`;
}

/** What the process's own readiness check answers now: 200 or not, and its JSON details. */
export async function readiness(
  process: ManagedProcess,
): Promise<{ ready: boolean; body?: unknown }> {
  const ready = process.spec.ready;
  if (ready.kind !== 'http') return { ready: true };
  const port = process.listeners[ready.listener];
  if (port === undefined) return { ready: false };
  try {
    const response = await fetch(`http://${HOST}:${port}${ready.path}`, {
      signal: AbortSignal.timeout(2_000),
    });
    return { ready: response.ok, body: await response.json() };
  } catch {
    return { ready: false };
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

/** Waits until every named process runs and answers its readiness check; the ones that do not. */
export async function notReadyAfter(
  lookup: (name: string) => ManagedProcess | undefined,
  names: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const pending = new Set(names);
  await waitUntil(async () => {
    for (const name of [...pending]) {
      const process = lookup(name);
      if (process && (await readiness(process)).ready) pending.delete(name);
    }
    return pending.size === 0;
  }, timeoutMs);
  return [...pending];
}

/** The `messaging` part of a service's /readyz details (Kafka reachable, consumers joined). */
/** The videos service's artwork details in a /readyz body (ArtworkImageProcess). */
export function artworkDetails(body: unknown): { imageProcess?: string } | undefined {
  const details = (body as { details?: { lifecycle?: { artwork?: unknown } } } | undefined)?.details
    ?.lifecycle?.artwork;
  return details as { imageProcess?: string } | undefined;
}

export function messagingDetails(
  body: unknown,
): { kafka?: string; consumers?: Record<string, string> } | undefined {
  const details = (body as { details?: { lifecycle?: { messaging?: unknown } } } | undefined)
    ?.details?.lifecycle?.messaging;
  return details as { kafka?: string; consumers?: Record<string, string> } | undefined;
}
