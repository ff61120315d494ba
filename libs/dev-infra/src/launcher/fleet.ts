import { LIVENESS_PROBE, READINESS_PROBE, type ListenerName } from '@kinema/contracts/supervision';
import { AddressBook } from './address-book';
import { GatewayFront } from './gateway-front';
import { SCALABLE_SERVICES, type Plan, type ScalableService } from './plan';
import { alive, readiness } from './readiness';
import { ProbeWatch, type ProbeSettings } from './probe-watch';
import {
  HOST,
  LOCALHOST_ADDRESSES,
  type ManagedProcess,
  type ProcessSpec,
  type Supervisor,
} from './supervisor';

export type FleetEvent =
  | { kind: 'ready'; process: ManagedProcess }
  | {
      kind: 'draining';
      name: string;
      /** It was in the address book: the gateways stopped sending it calls before it was told to stop. */
      unlisted: boolean;
    }
  | { kind: 'stopped'; name: string; code: number | string }
  /** A gateway replica failed its readiness probe `failures` times in a row: out of rotation. */
  | { kind: 'unready'; name: string; failures: number }
  /** It answers its readiness probe again: back in rotation. */
  | { kind: 'ready-again'; name: string }
  /** A replica failed its liveness probe `failures` times in a row: killed, to restart. */
  | { kind: 'unhealthy'; name: string; failures: number }
  | {
      kind: 'crashed';
      name: string;
      code: number | string;
      /** How many times it has been restarted after a crash, this one included. */
      restarts: number;
      retryInMs: number;
      /** Restarted this often lately: reported, as Kubernetes says CrashLoopBackOff. */
      looping: boolean;
    }
  | { kind: 'restart-failed'; name: string; error: string };

/** Backoff after a crash: doubling from 1 s up to 30 s; 60 s of running resets it. */
export const CRASH_BACKOFF = { firstMs: 1_000, maxMs: 30_000, stableAfterMs: 60_000, loopAfter: 5 };

interface CrashRecord {
  restarts: number;
  timer?: NodeJS.Timeout;
}

/**
 * The running system as a set of replicas: starts the plan stage by stage, scales services up
 * and down, restarts them one replica at a time, brings crashed processes back with backoff, and
 * keeps the address book (what the gateways' resolvers see) in step. A replica leaves the
 * address book before it is stopped, and joins it only once it is ready.
 */
export class Fleet {
  readonly addressBook: AddressBook;
  /** The public gateway port: each connection goes to the next ready gateway replica. */
  readonly front: GatewayFront;
  private frontPort: number | undefined;
  /**
   * The probes the kubelet asks a pod, with the chart's numbers: every replica's liveness (one that
   * fails it is killed, and restarted as after a crash), and a gateway replica's readiness (one that
   * fails it leaves the front's rotation). A service replica's readiness is left to the gateways,
   * which stop sending it calls within about 2 s, well before a probe would: a hung channel misses
   * its keepalive ping, and reads are hedged.
   */
  private readonly readinessProbes: ProbeWatch;
  private readonly livenessProbes: ProbeWatch;
  private readonly specs = new Map<string, ProcessSpec>();
  private readonly crashes = new Map<string, CrashRecord>();
  private readonly stage = new Map<string, number>();
  private readonly lastStarted = new Map<string, number>();
  /** Processes stopped on purpose for a while (`kinema chaos`): no crash restart, no scaling. */
  private readonly held = new Set<string>();
  private stopping = false;
  private announceStop: () => void = () => undefined;
  /** Settles when the fleet starts stopping everything (the launcher is shutting down). */
  readonly stopped = new Promise<void>((resolve) => (this.announceStop = resolve));

  constructor(
    private readonly plan: Plan,
    private readonly supervisor: Supervisor,
    private readonly emit: (event: FleetEvent) => void = () => undefined,
    probeSettings: { readiness: ProbeSettings; liveness: ProbeSettings } = {
      readiness: READINESS_PROBE,
      liveness: LIVENESS_PROBE,
    },
  ) {
    this.addressBook = new AddressBook((name, message) => supervisor.send(name, message));
    this.front = new GatewayFront(supervisor);
    this.readinessProbes = new ProbeWatch(
      async (name, timeoutMs) => {
        const process = supervisor.get(name);
        return process !== undefined && (await readiness(process, timeoutMs)).ready;
      },
      (name, ready, failures) => {
        this.front.setReady(name, ready);
        this.emit(ready ? { kind: 'ready-again', name } : { kind: 'unready', name, failures });
      },
      probeSettings.readiness,
    );
    // As the kubelet restarts a container whose livenessProbe fails: a hung replica keeps the
    // connections it was handed, and only its end closes them (clients then connect again); a hung
    // lone replica of a service serves again.
    this.livenessProbes = new ProbeWatch(
      async (name, timeoutMs) => {
        const process = supervisor.get(name);
        return process !== undefined && alive(process, timeoutMs);
      },
      (name, live, failures) => {
        if (live) return;
        this.emit({ kind: 'unhealthy', name, failures });
        void supervisor.crash(name);
      },
      probeSettings.liveness,
    );
    supervisor.onUnexpectedExit((process, code) => this.crashed(process.spec.name, code));
    supervisor.onMessage((process, message) => {
      if (message.type === 'kinema.watch-addresses') {
        this.addressBook.watch(process.spec.name, message.service);
      } else if (message.type === 'kinema.addresses-applied') {
        this.addressBook.applied(process.spec.name, message.service, message.version);
      }
    });
    plan.stages.forEach((specs, index) => {
      for (const spec of specs) {
        this.specs.set(spec.name, spec);
        this.stage.set(spec.name, index);
      }
    });
  }

  /**
   * Starts every stage in order (each stage's processes in parallel), then opens the public
   * gateway port to the ready gateways.
   */
  async start(): Promise<void> {
    for (const specs of this.plan.stages) {
      await Promise.all(
        specs.map(async (spec) => {
          await this.supervisor.runFirstStartJob(spec);
          return this.startProcess(spec);
        }),
      );
    }
    // Both loopbacks: the URLs printed say localhost, which a browser may try over IPv6 first.
    this.frontPort = await this.front.listen(LOCALHOST_ADDRESSES, this.plan.gatewayPort);
  }

  /** The public gateway port, once start() has opened it. */
  get gatewayPort(): number {
    if (this.frontPort === undefined) throw new Error('the gateway port is not open yet');
    return this.frontPort;
  }

  /** Stops everything: the edge first, then the services, then the stand-ins. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.announceStop();
    this.readinessProbes.close();
    this.livenessProbes.close();
    this.front.close();
    for (const record of this.crashes.values()) clearTimeout(record.timer);
    this.supervisor.close();
    const byStage = new Map<number, string[]>();
    for (const process of this.supervisor.running) {
      const stage = this.stage.get(process.spec.name) ?? 0;
      byStage.set(stage, [...(byStage.get(stage) ?? []), process.spec.name]);
    }
    for (const stage of [...byStage.keys()].sort((a, b) => b - a)) {
      await Promise.all((byStage.get(stage) ?? []).map((name) => this.drainAndStop(name)));
    }
  }

  /** The running replicas of a service, first slot first. */
  replicas(service: string): string[] {
    return this.supervisor.running
      .filter((process) => process.spec.service === service)
      .map((process) => process.spec.name)
      .sort((a, b) => slotOf(a) - slotOf(b));
  }

  /** Starts or drains replicas until `count` run; new ones serve as soon as they are ready. */
  async scale(service: ScalableService, count: number): Promise<void> {
    this.refuseIfHeld(service);
    const running = this.replicas(service);
    // A crashed replica waiting for its restart counts as gone: scaled away, it does not return.
    for (const [name, record] of this.crashes) {
      if (this.specs.get(name)?.service === service && !this.supervisor.get(name)) {
        clearTimeout(record.timer);
        this.crashes.delete(name);
      }
    }
    if (count > running.length) {
      const taken = new Set(running.map(slotOf));
      const free: number[] = [];
      for (let slot = 1; free.length < count - running.length; slot++) {
        if (!taken.has(slot)) free.push(slot);
      }
      await Promise.all(free.map((slot) => this.startProcess(this.replicaSpec(service, slot))));
    } else {
      const surplus = running.slice(count).reverse();
      await Promise.all(surplus.map((name) => this.drainAndStop(name)));
    }
  }

  /**
   * Restarts a service one replica at a time (each leaves the address book, drains, stops, and
   * comes back ready before the next goes); a lone replica is covered by a temporary extra one
   * first. A replica or stand-in name restarts just that process.
   */
  async restart(target: string): Promise<void> {
    this.refuseIfHeld(target);
    if (SCALABLE_SERVICES.includes(target as ScalableService)) {
      const service = target as ScalableService;
      const replicas = this.replicas(service);
      if (replicas.length === 0) throw new Error(`${service} has no running replica to restart`);
      let cover: string | undefined;
      if (replicas.length === 1) {
        const slot = Math.max(...replicas.map(slotOf)) + 1;
        cover = (await this.startProcess(this.replicaSpec(service, slot))).spec.name;
      }
      for (const name of replicas) await this.restartInPlace(name);
      if (cover) await this.drainAndStop(cover);
      return;
    }
    if (!this.specs.has(target)) throw new Error(`no service or process named ${target}`);
    await this.restartInPlace(target);
  }

  private async restartInPlace(name: string, env?: Record<string, string>): Promise<void> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no process named ${name}`);
    await this.drainAndStop(name);
    await this.startProcess(spec, env);
  }

  /** Restarts one process (the test suites' hook for changing its environment). */
  async restartWith(name: string, env?: Record<string, string>): Promise<void> {
    await this.restartInPlace(name, env);
  }

  /**
   * Stops processes on purpose for a while (a fault switched on with `kinema chaos`): each drains
   * and stops as when scaled away, but its place is kept: no crash restart, no scaling or restart
   * of its service, until `release` starts it again on the same ports. A switchable listener of a
   * process (the broker's, in the stand-ins process) is closed instead, the process serving on.
   */
  async hold(names: readonly string[]): Promise<void> {
    for (const name of names) {
      if (!this.specs.has(name) && !this.holderOf(name)) {
        throw new Error(`no process or switchable listener named ${name}`);
      }
      this.held.add(name);
      clearTimeout(this.crashes.get(name)?.timer);
      this.crashes.delete(name);
    }
    await Promise.all(
      names.map((name) =>
        this.specs.has(name) ? this.drainAndStop(name) : this.switchListener(name, false),
      ),
    );
  }

  /** Starts held processes (or opens held listeners) again in parallel; resolves once each is ready. */
  async release(names: readonly string[]): Promise<void> {
    for (const name of names) this.held.delete(name);
    await Promise.all(
      names.map(async (name) => {
        const spec = this.specs.get(name);
        if (!spec) await this.switchListener(name, true);
        else if (!this.supervisor.get(name)) await this.startProcess(spec);
      }),
    );
  }

  /** The process whose spec declares `listener` switchable (`stand-ins` for `kafka`). */
  private holderOf(listener: string): string | undefined {
    return [...this.specs.values()].find((spec) =>
      (spec.switchable as readonly string[] | undefined)?.includes(listener),
    )?.name;
  }

  /** Asks the process holding `listener` to close or open it, and waits until it has. */
  private async switchListener(listener: string, open: boolean): Promise<void> {
    const holder = this.holderOf(listener);
    const running = holder && this.supervisor.get(holder);
    if (!holder || !running) return;
    const name = listener as ListenerName;
    let stopHearing: () => void = () => undefined;
    const switched = new Promise<void>((resolve, reject) => {
      stopHearing = this.supervisor.onMessage((process, message) => {
        if (
          process.spec.name !== holder ||
          message.type !== 'kinema.listener-switched' ||
          message.listener !== name ||
          message.open !== open
        ) {
          return;
        }
        if (message.error)
          reject(new Error(`${holder} could not switch ${listener}: ${message.error}`));
        else resolve();
      });
    });
    try {
      if (!this.supervisor.send(holder, { type: 'kinema.switch-listener', listener: name, open })) {
        throw new Error(`${holder} is not running`);
      }
      // A process that exits meanwhile answers nothing; its restart finds the listener held.
      await Promise.race([switched, running.exited]);
    } finally {
      stopHearing();
    }
  }

  private refuseIfHeld(target: string): void {
    const held = [...this.held].filter(
      (name) =>
        name === target ||
        this.specs.get(name)?.service === target ||
        this.holderOf(name) === target,
    );
    if (held.length > 0) {
      throw new Error(
        `${held.join(', ')} ${held.length === 1 ? 'is' : 'are'} stopped on purpose by \`kinema chaos\` ` +
          'until it ends (Ctrl-C it to end it now)',
      );
    }
  }

  /** Leaves the address book (every watcher confirms), then SIGTERM: in-flight work finishes. */
  async drainAndStop(name: string): Promise<void> {
    const process = this.supervisor.get(name);
    if (!process) return;
    this.emit({ kind: 'draining', name, unlisted: process.listeners.grpc !== undefined });
    clearTimeout(this.crashes.get(name)?.timer);
    this.unwatched(name);
    await this.addressBook.remove(process.spec.service, name);
    await this.supervisor.stop(name);
    this.addressBook.forget(name);
    this.emit({ kind: 'stopped', name, code: await process.exited });
  }

  /** An exit nobody asked for: the process comes back after a backoff, as a pod would. */
  private crashed(name: string, code: number | string): void {
    const spec = this.specs.get(name);
    this.unwatched(name);
    this.addressBook.forget(name);
    void this.addressBook.remove(spec?.service ?? name, name);
    if (this.stopping || !spec) return;
    const record = this.crashes.get(name) ?? { restarts: 0 };
    const startedAt = this.lastStarted.get(name);
    if (startedAt && Date.now() - startedAt >= CRASH_BACKOFF.stableAfterMs) record.restarts = 0;
    record.restarts += 1;
    const retryInMs = Math.min(
      CRASH_BACKOFF.maxMs,
      CRASH_BACKOFF.firstMs * 2 ** (record.restarts - 1),
    );
    this.crashes.set(name, record);
    this.emit({
      kind: 'crashed',
      name,
      code,
      restarts: record.restarts,
      retryInMs,
      looping: record.restarts >= CRASH_BACKOFF.loopAfter,
    });
    const attempt = record.restarts;
    record.timer = setTimeout(() => {
      if (this.stopping || this.held.has(name) || this.supervisor.get(name)) return;
      if (this.crashes.get(name) !== record) return;
      this.startProcess(spec).catch((error: unknown) => {
        this.emit({
          kind: 'restart-failed',
          name,
          error: error instanceof Error ? error.message : String(error),
        });
        // An exit before it was ready came through `crashed` and scheduled the next attempt
        // already; a start that was never ready in time did not.
        if (record.restarts === attempt) this.crashed(name, 'not ready in time');
      });
    }, retryInMs);
    record.timer.unref();
  }

  /**
   * A ready replica of a Kinema service has its probes asked from now on, with the chart's numbers;
   * a gateway's joins the front's rotation. The stand-ins are not probed: they answer no health
   * path (their readiness is their listening port), where the servers they stand in for on a
   * cluster have probes of their own.
   */
  private watched(spec: ProcessSpec): void {
    if (!SCALABLE_SERVICES.includes(spec.service as ScalableService)) return;
    this.livenessProbes.watch(spec.name);
    if (spec.service !== 'gateway') return;
    this.front.add(spec.name);
    this.readinessProbes.watch(spec.name);
  }

  /** A replica stopping or gone: its probes are no longer asked, and a gateway's leaves rotation. */
  private unwatched(name: string): void {
    this.livenessProbes.unwatch(name);
    this.readinessProbes.unwatch(name);
    this.front.remove(name);
  }

  private replicaSpec(service: ScalableService, slot: number): ProcessSpec {
    const spec = this.plan.replica(service, slot);
    this.specs.set(spec.name, spec);
    const stage = this.plan.stages.findIndex((specs) => specs.some((s) => s.service === service));
    this.stage.set(spec.name, stage);
    return spec;
  }

  private async startProcess(
    spec: ProcessSpec,
    env?: Record<string, string>,
  ): Promise<ManagedProcess> {
    this.specs.set(spec.name, spec);
    this.lastStarted.set(spec.name, Date.now());
    const process = await this.supervisor.start(spec, env);
    const port = process.listeners.grpc;
    if (port !== undefined) await this.addressBook.add(spec.service, spec.name, `${HOST}:${port}`);
    this.watched(spec);
    // Back after a crash while one of its listeners was held: the listener stays closed.
    for (const listener of spec.switchable ?? []) {
      if (this.held.has(listener)) await this.switchListener(listener, false);
    }
    this.emit({ kind: 'ready', process });
    return process;
  }
}

/** 1 for `catalog`, 3 for `catalog-3`. */
export function slotOf(name: string): number {
  const match = /-(\d+)$/.exec(name);
  return match ? Number(match[1]) : 1;
}
