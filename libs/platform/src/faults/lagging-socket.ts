import { Socket } from 'node:net';
import { databaseLatencyMs, databaseSeamOpened } from './fault-state';

interface Held {
  due: number;
  event: 'data' | 'end' | 'close';
  args: unknown[];
}

/**
 * A TCP socket that hands on what it receives `latencyMs()` late, in order: to the pg client
 * above it, the server answers every round trip that much later. It is the slow-database seam:
 * pg ends a query (and the pg instrumentation its SQL span) when the server's ReadyForQuery
 * arrives, so the added time lands inside each SQL span, where a slow database shows in a trace.
 * Delaying before each query instead would leave it in a gap of the gRPC span; delaying in the
 * PGlite stand-in would miss an external DATABASE_URL (what CI's end-to-end tests run on).
 */
export class LaggingSocket extends Socket {
  private readonly held: Held[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly latencyMs: () => number) {
    super();
  }

  // Readable streams hand data, end and close to listeners through emit: holding them here
  // delays everything above the socket without touching how it reads.
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data' && event !== 'end' && event !== 'close') return super.emit(event, ...args);
    const latency = this.latencyMs();
    if (latency === 0 && this.held.length === 0) return super.emit(event, ...args);
    // Never before what arrived earlier, even when the latency has just gone down.
    const due = Math.max(Date.now() + latency, this.held.at(-1)?.due ?? 0);
    this.held.push({ due, event, args });
    this.schedule();
    return this.listenerCount(event) > 0;
  }

  private schedule(): void {
    const next = this.held[0];
    if (this.timer || !next) return;
    this.timer = setTimeout(() => this.release(), Math.max(0, next.due - Date.now()));
  }

  private release(): void {
    this.timer = undefined;
    const now = Date.now();
    for (let next = this.held[0]; next && next.due <= now; next = this.held[0]) {
      this.held.shift();
      super.emit(next.event, ...next.args);
    }
    this.schedule();
  }
}

/**
 * pg's `stream` option for a service's pool when fault injection is on: each connection's socket
 * answers `databaseLatencyMs()` late. Over TLS the TLS layer reads the socket's handle directly,
 * below this seam, so the process then says it cannot apply the fault.
 */
export function laggingDatabaseStream(options: { ssl?: unknown }): Socket {
  databaseSeamOpened(Boolean(options.ssl));
  return new LaggingSocket(databaseLatencyMs);
}
