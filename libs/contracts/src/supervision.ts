/**
 * What a process started by a local supervisor (`npm start`'s launcher) and that supervisor say to
 * each other over the process's IPC channel. On Kubernetes the kubelet and the cluster DNS play
 * these parts; on one machine they are messages, so that no port is ever picked by one process and
 * bound by another (the child binds, port 0 included, and reports what it got).
 */

/** The sockets a process may listen on, by purpose. */
export type ListenerName = 'grpc' | 'ops' | 'http' | 'kafka' | 's3' | 'postgres' | 'otlp';

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

export type SupervisionMessage =
  ListeningMessage | WatchAddressesMessage | AddressesMessage | AddressesAppliedMessage;

const TYPES: ReadonlySet<string> = new Set<SupervisionMessage['type']>([
  'kinema.listening',
  'kinema.watch-addresses',
  'kinema.addresses',
  'kinema.addresses-applied',
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
