import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { addressAbsent } from './ports';

/** What the front needs from the supervisor: passing a socket to a running process. */
export interface ConnectionTaker {
  handOver(name: string, socket: Socket): Promise<boolean>;
}

/**
 * The public gateway port under the launcher, as a Kubernetes Service is for the gateway pods:
 * it accepts each client connection and hands the socket itself to the next ready gateway
 * replica in turn, over the replica's IPC channel, as Node's `cluster` module hands connections
 * to its workers (no bytes pass through the launcher; the replica serves the connection as if it
 * had accepted it). A replica joins the rotation once ready and leaves it before it is told to
 * stop, so a stopping gateway never has a connection queued that it would drop. Replicas sharing
 * the port with SO_REUSEPORT could not offer that: a closing listener resets the connections
 * still waiting in its own accept queue, and every reconnect after a `Connection: close` could
 * meet one (Node has no hook to leave a SO_REUSEPORT group without closing, nor tcp_migrate_req
 * without root). With no replica ready a connection is closed at once, as a Service without
 * endpoints refuses it. A replica that stops answering its readiness probe (the fleet's
 * ProbeWatch) is passed over until it answers again, as a Service's endpoints leave out a pod
 * whose readinessProbe fails; the connections it holds already stay with it.
 */
export class GatewayFront {
  private readonly servers: Server[] = [];
  /** The replicas serving, in the order they joined. */
  private members: string[] = [];
  /** Members whose readiness probe fails now: no new connection goes to them. */
  private readonly unready = new Set<string>();
  private rotation: string[] = [];
  private turn = 0;

  constructor(private readonly taker: ConnectionTaker) {}

  /**
   * Binds the public port (0: one the OS picks) on each of `hosts`, the first deciding the port,
   * and resolves with the port bound. A later host this machine does not have (IPv6 loopback
   * switched off) is passed over.
   */
  async listen(hosts: readonly string[], port: number): Promise<number> {
    let bound = port;
    for (const [index, host] of hosts.entries()) {
      const server = createServer({ pauseOnConnect: true }, (socket) => void this.route(socket));
      try {
        server.listen({ host, port: bound });
        await once(server, 'listening');
      } catch (error) {
        if (index > 0 && addressAbsent(error)) continue;
        throw error;
      }
      this.servers.push(server);
      const address = server.address();
      if (typeof address === 'object' && address) bound = address.port;
    }
    return bound;
  }

  add(name: string): void {
    if (!this.members.includes(name)) this.members = [...this.members, name];
    this.unready.delete(name);
    this.rotate();
  }

  /** Takes a replica out of the rotation: from now on it gets no new connection. */
  remove(name: string): void {
    this.members = this.members.filter((candidate) => candidate !== name);
    this.unready.delete(name);
    this.rotate();
  }

  /**
   * Passes a member over while its readiness probe fails, and hands it connections again once it
   * answers; a name that is not a member (removed meanwhile) is left out.
   */
  setReady(name: string, ready: boolean): void {
    if (!this.members.includes(name)) return;
    if (ready) this.unready.delete(name);
    else this.unready.add(name);
    this.rotate();
  }

  /** The replicas new connections go to, in turn. */
  get replicas(): readonly string[] {
    return this.rotation;
  }

  private rotate(): void {
    this.rotation = this.members.filter((name) => !this.unready.has(name));
  }

  /**
   * Stops accepting; connections already handed over stay with their replicas, which close them
   * as they stop. Not a wait for the servers' 'close' event: Node emits it once every connection
   * has ended, those handed to other processes included (it asks each process), so it waited for
   * every client's keep-alive connection to end before a gateway was even told to stop, and never
   * came at all once every process it had handed connections to had exited (a gateway that crashed
   * and was restarted), which left npm start's Ctrl-C waiting forever.
   */
  close(): void {
    for (const server of this.servers.splice(0)) if (server.listening) server.close();
  }

  private async route(socket: Socket): Promise<void> {
    socket.on('error', () => socket.destroy());
    // Each replica at most once: one that is gone (its channel closed) is skipped.
    for (let tried = 0; tried < this.rotation.length; tried++) {
      const name = this.rotation[this.turn++ % this.rotation.length];
      if (name && (await this.taker.handOver(name, socket))) return;
    }
    socket.destroy();
  }
}
