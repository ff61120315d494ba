import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export type Readiness = { kind: 'output'; pattern: RegExp } | { kind: 'http'; url: string };

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  ready: Readiness;
  readyTimeoutMs: number;
  /** One line for the status table, e.g. the URL to open. */
  summary: string;
}

export interface ManagedProcess {
  spec: ProcessSpec;
  child: ChildProcess;
  pid: number;
  readyAfterMs: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export type LogSink = (name: string, line: string, stream: 'stdout' | 'stderr') => void;

/**
 * Starts processes, prefixes their output, waits until each says it is ready, and stops them
 * with SIGTERM then SIGKILL. Readiness is polled (HTTP /readyz) or read from a line of output.
 */
export class Supervisor {
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly expectedExits = new Set<string>();
  private closed = false;

  constructor(
    private readonly sink: LogSink,
    private readonly onUnexpectedExit: (name: string, code: number | string) => void = () =>
      undefined,
  ) {}

  get running(): ManagedProcess[] {
    return [...this.processes.values()];
  }

  get(name: string): ManagedProcess | undefined {
    return this.processes.get(name);
  }

  async start(spec: ProcessSpec): Promise<ManagedProcess> {
    if (this.closed) throw new Error(`not starting ${spec.name}: shutting down`);
    const startedAt = Date.now();
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      // The IPC channel closes when this process dies, however it dies; children treat that
      // as SIGTERM (see installGracefulShutdown), so a killed launcher leaves no orphans.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    let outputReady: (() => void) | undefined;
    const sawReadyLine = new Promise<void>((resolve) => (outputReady = resolve));
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = child[stream];
      if (!input) continue;
      createInterface({ input }).on('line', (line) => {
        this.sink(spec.name, line, stream);
        if (spec.ready.kind === 'output' && spec.ready.pattern.test(line)) outputReady?.();
      });
    }
    await spawned;
    const managed: ManagedProcess = { spec, child, pid: child.pid ?? -1, readyAfterMs: 0, exited };
    this.processes.set(spec.name, managed);
    void exited.then((code) => {
      if (this.processes.get(spec.name) === managed) this.processes.delete(spec.name);
      if (!this.expectedExits.delete(spec.name)) this.onUnexpectedExit(spec.name, code);
    });

    const ready = spec.ready.kind === 'output' ? sawReadyLine : pollHttp(spec.ready.url, exited);
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      exited.then((code) => ({ exitedWith: code })),
      delay(spec.readyTimeoutMs).then(() => 'timeout' as const),
    ]);
    if (outcome !== 'ready') {
      await this.stop(spec.name);
      throw new Error(
        outcome === 'timeout'
          ? `${spec.name} was not ready after ${spec.readyTimeoutMs} ms`
          : `${spec.name} exited (${outcome.exitedWith}) before it was ready; its output is above`,
      );
    }
    managed.readyAfterMs = Date.now() - startedAt;
    return managed;
  }

  /** Stops every process at once and refuses to start more. */
  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.processes.keys()].map((name) => this.stop(name)));
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(name: string, graceMs = 10_000): Promise<void> {
    const managed = this.processes.get(name);
    if (!managed) return;
    this.expectedExits.add(name);
    managed.child.kill('SIGTERM');
    const killed = await Promise.race([
      managed.exited.then(() => false),
      delay(graceMs).then(() => true),
    ]);
    if (killed) {
      managed.child.kill('SIGKILL');
      await managed.exited;
    }
  }

  /** Kills without warning, as a crash or the OOM killer would. */
  async kill(name: string): Promise<void> {
    const managed = this.processes.get(name);
    if (!managed) return;
    this.expectedExits.add(name);
    managed.child.kill('SIGKILL');
    await managed.exited;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function pollHttp(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(100);
  }
  await new Promise<never>(() => undefined);
}
