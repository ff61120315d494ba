import { experimental, Metadata, status, type ChannelOptions } from '@grpc/grpc-js';
import {
  isSupervisionMessage,
  SUPERVISOR_TARGET_SCHEME,
  tellSupervisor,
  type AddressesMessage,
} from '@kinema/contracts';

type Endpoint = experimental.Endpoint;
type Listener = experimental.ResolverListener;

interface Watched {
  latest?: AddressesMessage;
  resolvers: Set<SupervisorResolver>;
}

const watched = new Map<string, Watched>();
let listening = false;

function onMessage(message: unknown): void {
  if (!isSupervisionMessage(message) || message.type !== 'kinema.addresses') return;
  const entry = watched.get(message.service);
  if (!entry || (entry.latest && entry.latest.version >= message.version)) return;
  entry.latest = message;
  for (const resolver of entry.resolvers) resolver.publish(message);
  // grpc-js applies a resolution synchronously in the listener call above.
  tellSupervisor({
    type: 'kinema.addresses-applied',
    service: message.service,
    version: message.version,
  });
}

function watch(service: string, resolver: SupervisorResolver): Watched {
  if (!listening) {
    process.on('message', onMessage);
    listening = true;
  }
  let entry = watched.get(service);
  if (!entry) {
    entry = { resolvers: new Set() };
    watched.set(service, entry);
    tellSupervisor({ type: 'kinema.watch-addresses', service });
  }
  entry.resolvers.add(resolver);
  return entry;
}

function endpointsOf(addresses: readonly string[]): Endpoint[] {
  return addresses.map((address) => {
    const split = address.lastIndexOf(':');
    return {
      addresses: [{ host: address.slice(0, split), port: Number(address.slice(split + 1)) }],
    };
  });
}

/** The service a `supervisor:///<service>` target names, from the target's path. */
export function supervisedService(path: string): string {
  return path.replace(/^\/+/, '');
}

/**
 * A grpc-js resolver for `supervisor:///<service>`: the ready replicas of a service, as the local
 * supervisor that started this process (npm start's launcher) announces them over IPC. It plays
 * the part the cluster DNS plays on Kubernetes, except that a change arrives at once, and the
 * supervisor waits for this process to confirm it before stopping a replica that left the list.
 */
class SupervisorResolver implements experimental.Resolver {
  private readonly service: string;
  private entry: Watched | undefined;
  /** Version of the last list handed to grpc-js. */
  private published = -1;

  constructor(
    target: { path: string },
    private readonly listener: Listener,
    _options: ChannelOptions,
  ) {
    this.service = supervisedService(target.path);
  }

  static getDefaultAuthority(target: { path: string }): string {
    return supervisedService(target.path);
  }

  updateResolution(): void {
    this.entry ??= watch(this.service, this);
    const latest = this.entry.latest;
    // grpc-js asks again whenever its connections fail; the supervisor pushes every change, so
    // only a list this resolver has not handed over yet is worth answering (answering again
    // would loop with the load balancer for as long as no replica answers). Never synchronously
    // (grpc-js's rule); before the first list arrives, wait for it.
    if (latest && latest.version > this.published) setImmediate(() => this.publish(latest));
  }

  publish(message: AddressesMessage): void {
    if (message.version <= this.published) return;
    this.published = message.version;
    if (message.addresses.length === 0) {
      this.listener(
        {
          ok: false,
          error: {
            code: status.UNAVAILABLE,
            details: `no ready replica of ${this.service}`,
            metadata: new Metadata(),
          },
        },
        {},
        null,
        '',
      );
      return;
    }
    this.listener({ ok: true, value: endpointsOf(message.addresses) }, {}, null, '');
  }

  destroy(): void {
    this.entry?.resolvers.delete(this);
    this.entry = undefined;
    this.published = -1;
  }
}

let registered = false;

/** Lets grpc-js channels use `supervisor:///<service>` targets; needs an IPC channel to a supervisor. */
export function registerSupervisorResolver(): void {
  if (registered) return;
  if (!process.connected) {
    throw new Error(
      `${SUPERVISOR_TARGET_SCHEME}:/// targets need a local supervisor (npm start); use host:port or dns:/// instead`,
    );
  }
  experimental.registerResolver(SUPERVISOR_TARGET_SCHEME, SupervisorResolver);
  registered = true;
}
