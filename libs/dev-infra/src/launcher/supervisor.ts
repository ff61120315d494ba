import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { IPV6_LOOPBACK, isPortFree } from './ports';
import { probe } from './probe';
import {
  isSupervisionMessage,
  type ListenerName,
  type Listeners,
  type SupervisionMessage,
} from '@kinema/contracts/supervision';

/**
 * When a started process counts as ready: once it has reported its bound ports, or once one of
 * those ports answers an HTTP path with 2xx (a service's /readyz).
 */
export type Readiness =
  { kind: 'listening' } | { kind: 'http'; listener: ListenerName; path: string };

/** What a process is started with: the ports to bind (0: any) and where its peers listen. */
export interface LaunchContext {
  ports: Listeners;
  /** `host:port` of a running process's listener; throws when it has none (a plan error). */
  address(processName: string, listener: ListenerName): string;
}

export interface ProcessSpec {
  /** Unique name of this process, e.g. `catalog`, `catalog-2`, `kafka`. */
  name: string;
  /** The service it is a replica of (its own name for a single process). */
  service: string;
  command: string;
  /** Ports asked for on the first start; a restart binds the ports the process got before. */
  ports: Listeners;
  /**
   * Its peers learn its addresses again each time it is ready (a service replica: the address
   * book; a gateway replica: the launcher's front), so a restart binds, in place of a port it had
   * that is taken by then, the port asked for on the first start (0: any). A port the OS chose
   * is free for any outgoing connection once its process is gone: a crashed replica restarted on
   * such a port taken meanwhile exited with EADDRINUSE at every attempt while the connection
   * lasted. Without it, a restart binds exactly the ports the process had: its peers were started
   * with them (a stand-in's).
   */
  portsMayMove?: boolean;
  /** `cwd`: the working directory (default: the launcher's). */
  launch(context: LaunchContext): { args: string[]; env: Record<string, string>; cwd?: string };
  ready: Readiness;
  readyTimeoutMs: number;
  /**
   * One line for the status table, e.g. the URL to open; several (joined by newlines) for a
   * process whose listeners each serve something of their own (the PGlite process's databases).
   */
  summary(listeners: Listeners): string;
  /**
   * Start with only the environment `launch` returns, none of the launcher's own: a process that
   * must run on exactly a given environment (a pod's, as the chart renders it).
   */
  isolatedEnv?: boolean;
  /**
   * A job run to completion with `command` before the process first starts (never before a
   * restart or a scale-up): e.g. the catalog's migrations and demo titles, kept out of the serving
   * process. Its output goes to the log as `<name>-job`; the start fails if it exits non-zero.
   */
  firstStartJob?(context: LaunchContext): { args: string[]; env: Record<string, string> };
  /**
   * Listeners the process closes and opens again on request (`kinema.switch-listener`) while the
   * others serve on: a stand-in sharing the process with others can be stopped alone.
   */
  switchable?: readonly ListenerName[];
}

export interface ManagedProcess {
  spec: ProcessSpec;
  child: ChildProcess;
  pid: number;
  startedAt: number;
  /** The ports the process reported once bound. */
  listeners: Listeners;
  readyAfterMs: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export type LogSink = (name: string, line: string, stream: 'stdout' | 'stderr') => void;

/** A message a process sent that the supervisor itself does not handle (e.g. address watches). */
export type MessageListener = (process: ManagedProcess, message: SupervisionMessage) => void;
/** An exit nobody asked for (a crash, the OOM killer, a kill from outside). */
export type ExitListener = (process: ManagedProcess, code: number | string) => void;

export const HOST = '127.0.0.1';
/** What `localhost` reaches: HOST, and IPv6 loopback, which a browser may try first. */
export const LOCALHOST_ADDRESSES: readonly string[] = [HOST, IPV6_LOOPBACK];

/** A line that ends with a process's summary: its further lines indented to start under its first. */
export function withSummary(prefix: string, summary: string): string {
  return prefix + summary.split('\n').join(`\n${' '.repeat(prefix.length)}`);
}

/**
 * Starts processes, passes their output on, learns the ports they bound, waits until each is
 * ready, and stops them with SIGTERM then SIGKILL. Children run in process groups of their own,
 * so a terminal's Ctrl-C reaches the launcher only and the launcher decides the order of stopping;
 * their IPC channel closes when the launcher dies, however it dies, and they treat that as SIGTERM.
 */
export class Supervisor {
  private readonly processes = new Map<string, ManagedProcess>();
  /** First-start jobs running now (see ProcessSpec.firstStartJob). */
  private readonly jobs = new Set<ChildProcess>();
  private readonly expectedExits = new Set<string>();
  /** Processes stopped with SIGSTOP (a hung replica simulated): thawed before they are stopped. */
  private readonly frozen = new Set<ManagedProcess>();
  /** Ports each process got, so a restart binds the same ones (peers keep their addresses). */
  private readonly boundPorts = new Map<string, Listeners>();
  private closed = false;
  private readonly exitListeners: ExitListener[] = [];
  private readonly messageListeners: MessageListener[] = [];

  /**
   * `stdout: 'ignore'` sends the processes' standard output nowhere, unread (benches: deployed,
   * a container runtime reads the log lines, not the load generator's process); their standard
   * error still reaches `sink`, as all of it does with `'pipe'`.
   */
  constructor(
    private readonly sink: LogSink,
    private readonly stdout: 'pipe' | 'ignore' = 'pipe',
  ) {}

  onUnexpectedExit(listener: ExitListener): void {
    this.exitListeners.push(listener);
  }

  /** Hears the messages processes send; returns how to stop hearing them. */
  onMessage(listener: MessageListener): () => void {
    this.messageListeners.push(listener);
    return () => {
      const index = this.messageListeners.indexOf(listener);
      if (index >= 0) this.messageListeners.splice(index, 1);
    };
  }

  get running(): ManagedProcess[] {
    return [...this.processes.values()];
  }

  get(name: string): ManagedProcess | undefined {
    return this.processes.get(name);
  }

  address(processName: string, listener: ListenerName): string {
    const port = this.processes.get(processName)?.listeners[listener];
    if (port === undefined) throw new Error(`${processName} has no ${listener} listener running`);
    return `${HOST}:${port}`;
  }

  /** Starts a process and resolves once it is ready; `env` is added to what the spec sets. */
  async start(spec: ProcessSpec, env: Record<string, string> = {}): Promise<ManagedProcess> {
    const startedAt = Date.now();
    const ports = await this.portsToBind(spec);
    // After choosing the ports, which may probe them: the launcher may have begun stopping then.
    if (this.closed) throw new Error(`not starting ${spec.name}: shutting down`);
    const launch = spec.launch(this.launchContext(ports));
    const child = spawn(spec.command, launch.args, {
      env: this.environment(spec, { ...launch.env, ...env }),
      ...(launch.cwd ? { cwd: launch.cwd } : {}),
      stdio: ['ignore', this.stdout, 'pipe', 'ipc'],
      detached: true,
    });
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    this.logOutput(spec.name, child);
    const managed: ManagedProcess = {
      spec,
      child,
      pid: -1,
      startedAt,
      listeners: {},
      readyAfterMs: 0,
      exited,
    };
    const listening = new Promise<void>((resolve) =>
      child.on('message', (message: unknown) => {
        if (!isSupervisionMessage(message)) return;
        if (message.type === 'kinema.listening') {
          managed.listeners = message.listeners;
          this.boundPorts.set(spec.name, message.listeners);
          resolve();
        } else {
          for (const listener of [...this.messageListeners]) listener(managed, message);
        }
      }),
    );
    await spawned;
    managed.pid = child.pid ?? -1;
    this.processes.set(spec.name, managed);
    void exited.then((code) => {
      this.frozen.delete(managed);
      if (this.processes.get(spec.name) === managed) this.processes.delete(spec.name);
      if (this.expectedExits.delete(spec.name)) return;
      for (const listener of this.exitListeners) listener(managed, code);
    });

    const ready =
      spec.ready.kind === 'listening'
        ? listening
        : listening.then(() => pollHttp(readyUrl(managed, spec.ready), exited));
    const outcome = await Promise.race([
      ready.then(
        () => 'ready' as const,
        (error: unknown) => ({ failed: error instanceof Error ? error.message : String(error) }),
      ),
      exited.then((code) => ({ exitedWith: code })),
      delay(spec.readyTimeoutMs).then(() => 'timeout' as const),
    ]);
    if (outcome !== 'ready') {
      await this.stop(spec.name);
      throw new Error(
        outcome === 'timeout'
          ? `${spec.name} was not ready after ${spec.readyTimeoutMs} ms`
          : 'failed' in outcome
            ? `${spec.name}: ${outcome.failed}`
            : `${spec.name} exited (${outcome.exitedWith}) before it was ready; its output is above`,
      );
    }
    managed.readyAfterMs = Date.now() - startedAt;
    return managed;
  }

  /** Runs `spec`'s first-start job, if it has one, and resolves once it exited 0. */
  async runFirstStartJob(spec: ProcessSpec): Promise<void> {
    if (!spec.firstStartJob) return;
    if (this.closed) throw new Error(`not running ${spec.name}'s job: shutting down`);
    const name = `${spec.name}-job`;
    // Only before a first start: the ports asked for. Spawned at once, so close() finds it.
    const job = spec.firstStartJob(this.launchContext(spec.ports));
    const child = spawn(spec.command, job.args, {
      env: this.environment(spec, job.env),
      stdio: ['ignore', this.stdout, 'pipe'],
      detached: true,
    });
    this.jobs.add(child);
    this.logOutput(name, child);
    const code = await new Promise<number | string>((resolve) => {
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
    });
    this.jobs.delete(child);
    if (code !== 0) throw new Error(`${name} exited (${code}); its output is above`);
  }

  /** The ports a process binds (portsToBind decides them) and how it finds the others. */
  private launchContext(ports: Listeners): LaunchContext {
    return { ports, address: (name, listener) => this.address(name, listener) };
  }

  /** The ports it had before, on a restart; each one taken by then as the first start asked. */
  private async portsToBind(spec: ProcessSpec): Promise<Listeners> {
    const before = this.boundPorts.get(spec.name);
    if (!before) return spec.ports;
    if (!spec.portsMayMove) return before;
    const ports: Listeners = {};
    for (const [listener, port] of Object.entries(before) as Array<[ListenerName, number]>) {
      ports[listener] = (await isPortFree(HOST, port)) ? port : (spec.ports[listener] ?? 0);
    }
    return ports;
  }

  /** A child's environment: the launcher's own (unless the spec is isolated), then `env`. */
  private environment(spec: ProcessSpec, env: Record<string, string>): NodeJS.ProcessEnv {
    return { ...(spec.isolatedEnv ? {} : process.env), ...env };
  }

  /** Passes a child's output on to the log, line by line, under `name`. */
  private logOutput(name: string, child: ChildProcess): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = child[stream];
      if (input) createInterface({ input }).on('line', (line) => this.sink(name, line, stream));
    }
  }

  /** Refuses to start anything more (the launcher is stopping), and stops the jobs running. */
  close(): void {
    this.closed = true;
    for (const job of this.jobs) job.kill('SIGTERM');
  }

  /** Stops every process at once and refuses to start more. */
  async stopAll(): Promise<void> {
    this.close();
    await Promise.all([...this.processes.keys()].map((name) => this.stop(name)));
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(name: string, graceMs = 15_000): Promise<void> {
    const managed = this.processes.get(name);
    if (!managed) return;
    this.expectedExits.add(name);
    managed.child.kill('SIGTERM');
    // A frozen process would keep the SIGTERM pending until the SIGKILL: let it handle it now.
    this.thaw(name);
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

  /**
   * Freezes a process (SIGSTOP), as a hung process would be: it keeps its sockets open but answers
   * nothing. `thaw` (or stopping it) lets it run again.
   */
  freeze(name: string): ManagedProcess | undefined {
    const managed = this.processes.get(name);
    if (!managed) return undefined;
    this.frozen.add(managed);
    managed.child.kill('SIGSTOP');
    return managed;
  }

  /** Whether a process is frozen now (SIGSTOP: a hung replica simulated). */
  isFrozen(name: string): boolean {
    const managed = this.processes.get(name);
    return managed !== undefined && this.frozen.has(managed);
  }

  /** Lets a frozen process run again (SIGCONT); false when it was not frozen. */
  thaw(name: string): boolean {
    const managed = this.processes.get(name);
    if (!managed || !this.frozen.delete(managed)) return false;
    managed.child.kill('SIGCONT');
    return true;
  }

  /** SIGKILL counted as a crash (unlike `kill`): the fleet brings the process back with backoff. */
  async crash(name: string): Promise<number | string | undefined> {
    const managed = this.processes.get(name);
    if (!managed) return undefined;
    managed.child.kill('SIGKILL');
    return managed.exited;
  }

  /**
   * Hands an accepted client connection to a running process over its IPC channel (a
   * `kinema.connection` message with the socket attached); false when the process is gone or
   * its channel refused it: the socket is then still the caller's to route or close.
   */
  handOver(name: string, socket: Socket): Promise<boolean> {
    const child = this.processes.get(name)?.child;
    if (!child?.connected) return Promise.resolve(false);
    const message: SupervisionMessage = { type: 'kinema.connection' };
    return new Promise((resolve) => {
      try {
        child.send(message, socket, (error) => resolve(!error));
      } catch {
        resolve(false);
      }
    });
  }

  /** Sends a message to a running process over its IPC channel (false when it is gone). */
  send(name: string, message: SupervisionMessage): boolean {
    const child = this.processes.get(name)?.child;
    if (!child?.connected) return false;
    child.send(message);
    return true;
  }
}

function readyUrl(managed: ManagedProcess, ready: Readiness): string {
  if (ready.kind !== 'http') throw new Error('not an HTTP readiness check');
  const port = managed.listeners[ready.listener];
  if (port === undefined) {
    throw new Error(
      `${managed.spec.name} reported no ${ready.listener} port to check readiness on`,
    );
  }
  return `http://${HOST}:${port}${ready.path}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function pollHttp(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    try {
      const response = await probe(url, 1_000);
      if (response.ok) return;
    } catch {
      // Not answering yet.
    }
    await delay(100);
  }
  await new Promise<never>(() => undefined);
}
