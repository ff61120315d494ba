/**
 * What a process started by a local supervisor (`npm start`'s launcher) and that supervisor say to
 * each other over the process's IPC channel. On Kubernetes the kubelet and the cluster DNS play
 * these parts; on one machine they are messages, so that no port is ever picked by one process and
 * bound by another (the child binds, port 0 included, and reports what it got).
 */

export * from './local-ports';

/**
 * The socket of one of the databases a process serves, named after it: the embedded PGlite server
 * serves every service's database, each on a port of its own (`postgres-catalog`).
 */
export type DatabaseListenerName = `postgres-${string}`;

/** The sockets a process may listen on, by purpose. */
export type ListenerName =
  'grpc' | 'ops' | 'http' | 'kafka' | 's3' | 'postgres' | 'otlp' | DatabaseListenerName;

export type Listeners = Partial<Record<ListenerName, number>>;

/** Child → supervisor, once every socket is bound: the ports it really got. */
export interface ListeningMessage {
  type: 'kinema.listening';
  listeners: Listeners;
}

/** Child → supervisor: send me the ready replicas of this service now and on every change. */
export interface WatchAddressesMessage {
  type: 'kinema.watch-addresses';
  service: string;
}

/** Supervisor → child: the `host:port` of every ready replica of a service (maybe none). */
export interface AddressesMessage {
  type: 'kinema.addresses';
  service: string;
  addresses: string[];
  /** Grows with every change, so the child can say which list it has put to use. */
  version: number;
}

/**
 * Child → supervisor: the channels of this process now use list `version` of `service`. A replica
 * leaving the list is stopped only once every watcher has said so: no new call is sent to it.
 */
export interface AddressesAppliedMessage {
  type: 'kinema.addresses-applied';
  service: string;
  version: number;
}

/**
 * A fault a learner switches on under `npm start` (`kinema chaos`), simulated inside a process;
 * `latencyMs: 0` ends it. Only processes started with FAULT_INJECTION=true (development) apply one.
 * - `database-latency`: every round trip to this process's database answers that much later.
 * - `call-latency`: every gRPC call this process makes to `service` answers that much later.
 */
export type InjectedFault =
  | { kind: 'database-latency'; latencyMs: number }
  | { kind: 'call-latency'; service: string; latencyMs: number };

/** Supervisor → child: simulate this fault from now on (or end it). */
export interface InjectFaultMessage {
  type: 'kinema.inject-fault';
  fault: InjectedFault;
}

/** Child → supervisor: the fault is in place (or ended), or why this process did not apply it. */
export interface FaultAppliedMessage {
  type: 'kinema.fault-applied';
  fault: InjectedFault;
  applied: boolean;
  /** Why it was not applied (fault injection off, no such seam in this process). */
  reason?: string;
}

/**
 * Supervisor → a process of several stand-ins: close one listener and its connections (`open`
 * false) while the others serve on, or open it again on the same port.
 */
export interface SwitchListenerMessage {
  type: 'kinema.switch-listener';
  listener: ListenerName;
  open: boolean;
}

/** Child → supervisor: the listener is closed or open again, or why it is not. */
export interface ListenerSwitchedMessage {
  type: 'kinema.listener-switched';
  listener: ListenerName;
  open: boolean;
  error?: string;
}

/**
 * Supervisor → gateway, with an accepted client connection attached (the socket itself, passed
 * over the IPC channel as Node's cluster module passes them): serve it as if accepted here.
 */
export interface ConnectionMessage {
  type: 'kinema.connection';
}

/** Supervisor → PGlite server: send a plain SQL dump of a database (`kinema pg-dump`). */
export interface DumpDatabaseMessage {
  type: 'kinema.dump-database';
  /** Echoed in the answer. */
  id: number;
  /** The database's listener (the server serves one database per listener). */
  listener: ListenerName;
}

/** PGlite server → supervisor: the dump asked for, or why there is none. */
export interface DatabaseDumpMessage {
  type: 'kinema.database-dump';
  id: number;
  sql?: string;
  error?: string;
}

/**
 * Supervisor → child: export the spans waiting in your batch now (`kinema trace` reads the
 * receiver next; a batch otherwise waits up to OTEL_BSP_SCHEDULE_DELAY).
 */
export interface FlushTracesMessage {
  type: 'kinema.flush-traces';
  /** Echoed in the answer. */
  id: number;
}

/** Child → supervisor: the spans that waited when asked are exported, or why they are not. */
export interface TracesFlushedMessage {
  type: 'kinema.traces-flushed';
  id: number;
  error?: string;
}

export type SupervisionMessage =
  | ListeningMessage
  | DumpDatabaseMessage
  | DatabaseDumpMessage
  | ConnectionMessage
  | WatchAddressesMessage
  | AddressesMessage
  | AddressesAppliedMessage
  | InjectFaultMessage
  | FaultAppliedMessage
  | SwitchListenerMessage
  | ListenerSwitchedMessage
  | FlushTracesMessage
  | TracesFlushedMessage;

const TYPES: ReadonlySet<string> = new Set<SupervisionMessage['type']>([
  'kinema.listening',
  'kinema.dump-database',
  'kinema.database-dump',
  'kinema.connection',
  'kinema.watch-addresses',
  'kinema.addresses',
  'kinema.addresses-applied',
  'kinema.inject-fault',
  'kinema.fault-applied',
  'kinema.switch-listener',
  'kinema.listener-switched',
  'kinema.flush-traces',
  'kinema.traces-flushed',
]);

export function isSupervisionMessage(value: unknown): value is SupervisionMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    TYPES.has(String((value as { type?: unknown }).type))
  );
}

/** The grpc-js target scheme of addresses a local supervisor hands out: `supervisor:///catalog`. */
export const SUPERVISOR_TARGET_SCHEME = 'supervisor';

/** Sends a message to this process's supervisor; false without an IPC channel. */
export function tellSupervisor(message: SupervisionMessage): boolean {
  if (!process.send || !process.connected) return false;
  process.send(message);
  return true;
}

/** Reports this process's bound ports to its supervisor; does nothing without an IPC channel. */
export function reportListening(listeners: Listeners): void {
  tellSupervisor({ type: 'kinema.listening', listeners });
}

/**
 * The paths every Kinema process answers for whoever runs it rather than for its users: liveness
 * and readiness (the kubelet's probes; the launcher waits on readiness too) and the Prometheus
 * scrape. The gateway keeps them out of its API prefix, its request log and its traces.
 */
export const OPS_PATHS = {
  liveness: '/healthz',
  readiness: '/readyz',
  metrics: '/metrics',
} as const;

/**
 * How often a serving replica's readiness is asked, how long an answer is waited for, and how many
 * failures in a row take it out of rotation: the chart's readinessProbe of every Kinema service
 * (helm/kinema/templates/services.yaml, held equal by a chart test), which the launcher's front
 * follows for its gateway replicas too. One success puts a replica back, as the kubelet's default
 * successThreshold does.
 */
export const READINESS_PROBE = { periodMs: 5_000, timeoutMs: 2_000, failureThreshold: 3 } as const;

/**
 * The same for liveness: how many failures in a row of a replica's `/healthz` get it killed and
 * started again. The chart's livenessProbe of every Kinema service (held equal by the same chart
 * test), which the launcher follows for every replica of one: a hung one is restarted, which for a
 * gateway also ends the connections it holds.
 */
export const LIVENESS_PROBE = { periodMs: 10_000, timeoutMs: 2_000, failureThreshold: 3 } as const;

/** The ops paths as a set, to ask whether a route is one of them. */
export const OPS_ROUTES: ReadonlySet<string> = new Set(Object.values(OPS_PATHS));

/**
 * The gateway's readiness detail `events` (under `details.lifecycle`): whether its event consumers
 * are in their groups. A replica serves before they are; tests and benchmarks wait on it.
 */
export interface GatewayEventsReadiness {
  /** The serving feed (notifications, ended sessions, profiles' rows). */
  feed: 'joining' | 'joined';
  /** The cache's invalidation thread; `off` with the cache off. */
  invalidationThread: 'off' | 'joining' | 'joined';
  webSocketClients: number;
}
