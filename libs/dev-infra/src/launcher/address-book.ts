import type { AddressesMessage } from '@kinema/contracts/supervision';

/** Sends a message to a running process; false when it is gone. */
export type Send = (processName: string, message: AddressesMessage) => boolean;

interface ServiceList {
  version: number;
  /** Replica name -> `host:port`, in the order replicas joined. */
  addresses: Map<string, string>;
}

interface PendingAck {
  watcher: string;
  version: number;
  done: () => void;
}

/**
 * The ready replicas of each service, and who watches them: what the headless Service's DNS is
 * on Kubernetes, for the processes npm start runs. Watchers (the gateways' gRPC resolvers) get
 * every change at once and confirm it; `remove` resolves once every watcher has confirmed that it
 * no longer sends new calls to the replica (or the wait bound has passed), so the replica can
 * then be stopped without a call being sent to it as it goes.
 */
export class AddressBook {
  private readonly lists = new Map<string, ServiceList>();
  private readonly watchers = new Map<string, Set<string>>();
  private readonly pending = new Map<string, PendingAck[]>();

  constructor(
    private readonly send: Send,
    private readonly ackTimeoutMs = 5_000,
  ) {}

  /** The addresses of a service's ready replicas, in the order they joined. */
  addresses(service: string): string[] {
    return [...(this.lists.get(service)?.addresses.values() ?? [])];
  }

  /** `watcher` (a process) wants `service`'s list now and on every change. */
  watch(watcher: string, service: string): void {
    let watching = this.watchers.get(service);
    if (!watching) this.watchers.set(service, (watching = new Set()));
    watching.add(watcher);
    this.send(watcher, this.message(service));
  }

  /** A watcher confirms it uses `version` of `service`'s list. */
  applied(watcher: string, service: string, version: number): void {
    const waiting = this.pending.get(service) ?? [];
    const [met, unmet] = partition(waiting, (p) => p.watcher === watcher && p.version <= version);
    this.pending.set(service, unmet);
    for (const ack of met) ack.done();
  }

  /** A process is gone: it watches nothing any more, and nobody waits for it. */
  forget(processName: string): void {
    for (const [service, watching] of this.watchers) {
      if (!watching.delete(processName)) continue;
      this.applied(processName, service, Number.POSITIVE_INFINITY);
    }
  }

  add(service: string, replica: string, address: string): Promise<void> {
    const list = this.list(service);
    list.addresses.set(replica, address);
    return this.publish(service);
  }

  /** Resolves once every watcher has stopped picking the replica for new calls. */
  remove(service: string, replica: string): Promise<void> {
    const list = this.list(service);
    if (!list.addresses.delete(replica)) return Promise.resolve();
    return this.publish(service);
  }

  private list(service: string): ServiceList {
    let list = this.lists.get(service);
    if (!list) this.lists.set(service, (list = { version: 0, addresses: new Map() }));
    return list;
  }

  private message(service: string): AddressesMessage {
    const list = this.list(service);
    return {
      type: 'kinema.addresses',
      service,
      addresses: [...list.addresses.values()],
      version: list.version,
    };
  }

  private publish(service: string): Promise<void> {
    this.list(service).version += 1;
    const message = this.message(service);
    const acks: Array<Promise<void>> = [];
    for (const watcher of this.watchers.get(service) ?? []) {
      if (!this.send(watcher, message)) continue;
      acks.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.ackTimeoutMs);
          timer.unref();
          const waiting = this.pending.get(service) ?? [];
          waiting.push({
            watcher,
            version: message.version,
            done: () => {
              clearTimeout(timer);
              resolve();
            },
          });
          this.pending.set(service, waiting);
        }),
      );
    }
    return Promise.all(acks).then(() => undefined);
  }
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
