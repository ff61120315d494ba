import { SCALABLE_SERVICES } from './plan';
import type { Supervisor } from './supervisor';

/** How long `kinema trace` waits for the processes' spans: an export to loopback takes milliseconds. */
export const FLUSH_TIMEOUT_MS = 3000;

let nextFlushId = 1;

/**
 * Asks every ready replica of the services and the gateway (the processes the plan gives tracing;
 * the stand-ins and PGlite have none) to export the spans waiting in its batch, which otherwise
 * wait up to OTEL_BSP_SCHEDULE_DELAY, and resolves once each has answered or `timeoutMs` has
 * passed. A process frozen by `chaos hung-replica` cannot answer and is not asked. Resolves with
 * one line for each process whose latest spans may be missing, saying why.
 */
export function flushTraces(
  supervisor: Pick<Supervisor, 'running' | 'send' | 'onMessage' | 'isFrozen'>,
  timeoutMs = FLUSH_TIMEOUT_MS,
): Promise<string[]> {
  const traced: readonly string[] = SCALABLE_SERVICES;
  const missing: string[] = [];
  const waiting = new Set<string>();
  for (const managed of supervisor.running) {
    const { name, service } = managed.spec;
    if (!traced.includes(service) || managed.readyAfterMs === 0) continue;
    if (supervisor.isFrozen(name)) missing.push(`${name} (frozen: a hung replica)`);
    else waiting.add(name);
  }
  const id = nextFlushId++;
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stop();
      const late = [...waiting].map((name) => `${name} (no answer within ${timeoutMs / 1000} s)`);
      resolve([...missing, ...late]);
    };
    const stop = supervisor.onMessage(({ spec }, message) => {
      if (message.type !== 'kinema.traces-flushed' || message.id !== id) return;
      if (!waiting.delete(spec.name)) return;
      if (message.error) missing.push(`${spec.name} (${message.error})`);
      if (waiting.size === 0) finish();
    });
    const timer = setTimeout(finish, timeoutMs);
    // A process gone since has exported what it held as it stopped.
    for (const name of [...waiting]) {
      if (!supervisor.send(name, { type: 'kinema.flush-traces', id })) waiting.delete(name);
    }
    if (waiting.size === 0) finish();
  });
}
