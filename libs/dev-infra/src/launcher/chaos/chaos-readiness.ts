import { readiness, waitUntil } from '../readiness';
import { HOST, type ManagedProcess } from '../supervisor';

/** A process's ops endpoint (`/metrics`, `/readyz`), or a note when it has no ops port. */
export function opsUrl(process: ManagedProcess | undefined, path: string): string {
  const port = process?.listeners.ops;
  return port === undefined
    ? `(${process?.spec.name ?? 'it'} has no ops port)`
    : `http://${HOST}:${port}${path}`;
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
