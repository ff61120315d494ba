import type { InjectedFault } from '@kinema/contracts';

/**
 * The faults this process simulates now, and the seams it has for them. Only FaultInjectionModule
 * changes them, and only with FAULT_INJECTION=true, which the configuration refuses in production:
 * there every seam reads zero and stays inert.
 */
const latency = { database: 0, calls: new Map<string, number>() };
const seams = {
  /** How this process's database connections reach the server, once one went through the seam. */
  database: undefined as 'plain' | 'tls' | undefined,
  /** The services this process has gRPC clients for. */
  calls: new Set<string>(),
};

/** Extra milliseconds before what the database sends reaches this process (0: none). */
export function databaseLatencyMs(): number {
  return latency.database;
}

/** Extra milliseconds before what `service` answers a call reaches this process (0: none). */
export function callLatencyMs(service: string): number {
  return latency.calls.get(service) ?? 0;
}

/** A database connection was opened through the seam (over TLS, which the seam cannot reach). */
export function databaseSeamOpened(tls: boolean): void {
  seams.database = tls ? 'tls' : 'plain';
}

/** This process has a gRPC client for `service`, with the latency seam in its interceptors. */
export function callSeamCreated(service: string): void {
  seams.calls.add(service);
}

/** Puts a fault in place (or ends it), or says why this process cannot. */
export function applyFault(
  fault: InjectedFault,
): { applied: true } | { applied: false; reason: string } {
  switch (fault.kind) {
    case 'database-latency':
      if (seams.database === undefined) {
        return {
          applied: false,
          reason: 'this process has opened no database connection through the fault seam',
        };
      }
      if (seams.database === 'tls' && fault.latencyMs > 0) {
        return {
          applied: false,
          reason: 'its database connections use TLS, which reads the socket below the seam',
        };
      }
      latency.database = fault.latencyMs;
      return { applied: true };
    case 'call-latency':
      if (!seams.calls.has(fault.service)) {
        return { applied: false, reason: `this process makes no gRPC calls to ${fault.service}` };
      }
      if (fault.latencyMs > 0) latency.calls.set(fault.service, fault.latencyMs);
      else latency.calls.delete(fault.service);
      return { applied: true };
  }
}

/** What /readyz shows under `faults`: each simulated fault in place, none when empty. */
export function activeFaults(): Record<string, unknown> {
  return {
    ...(latency.database > 0 ? { databaseLatencyMs: latency.database } : {}),
    ...(latency.calls.size > 0 ? { callLatencyMs: Object.fromEntries(latency.calls) } : {}),
  };
}

/** Ends every fault (the process is no longer supervised, or a test starts afresh). */
export function clearFaults(): void {
  latency.database = 0;
  latency.calls.clear();
}
