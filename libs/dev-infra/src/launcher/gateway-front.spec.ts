import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { GatewayFront } from './gateway-front';

/** A replica's process as far as the front is concerned: it takes a connection and keeps it open. */
async function replicaProcess(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', "process.on('message', (m, socket) => { if (socket) process.send('taken'); })"],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  await once(child, 'spawn');
  return child;
}

describe('the launcher front on the public gateway port', () => {
  const handed: string[] = [];
  const refusing = new Set<string>();
  let front: GatewayFront;
  let port = 0;

  beforeEach(async () => {
    handed.length = 0;
    refusing.clear();
    front = new GatewayFront({
      handOver: async (name: string, socket: Socket) => {
        if (refusing.has(name)) return false;
        handed.push(name);
        socket.destroy();
        return true;
      },
    });
    port = await front.listen(['127.0.0.1', '::1'], 0);
  });

  afterEach(() => front.close());

  /** Opens a connection and waits until the front has dealt with it (closed on our side). */
  const connection = async (host = '127.0.0.1'): Promise<void> => {
    const socket = connect(port, host);
    socket.on('error', () => undefined);
    socket.resume();
    await once(socket, 'close');
  };

  it('hands connections to the ready replicas in turn', async () => {
    front.add('gateway');
    front.add('gateway-2');
    for (let i = 0; i < 4; i++) await connection();
    expect(handed).toEqual(['gateway', 'gateway-2', 'gateway', 'gateway-2']);
  });

  it('takes connections on IPv6 loopback too, where a browser may go first for localhost', async () => {
    front.add('gateway');
    await connection('::1');
    await connection('127.0.0.1');
    expect(handed).toEqual(['gateway', 'gateway']);
  });

  it('gives a replica taken out of the rotation no new connection', async () => {
    front.add('gateway');
    front.add('gateway-2');
    front.remove('gateway-2');
    for (let i = 0; i < 3; i++) await connection();
    expect(handed).toEqual(['gateway', 'gateway', 'gateway']);
  });

  it('passes over a replica while it is unready, in its place once it is ready again', async () => {
    front.add('gateway');
    front.add('gateway-2');
    front.add('gateway-3');
    front.setReady('gateway-2', false);
    for (let i = 0; i < 4; i++) await connection();
    expect(handed).toEqual(['gateway', 'gateway-3', 'gateway', 'gateway-3']);
    front.setReady('gateway-2', true);
    expect(front.replicas).toEqual(['gateway', 'gateway-2', 'gateway-3']);
  });

  it('does not bring back a replica removed while it was unready', () => {
    front.add('gateway');
    front.add('gateway-2');
    front.setReady('gateway-2', false);
    front.remove('gateway-2');
    front.setReady('gateway-2', true);
    expect(front.replicas).toEqual(['gateway']);
    // Started again (a restart after its crash): ready, as it passed its start's check.
    front.add('gateway-2');
    expect(front.replicas).toEqual(['gateway', 'gateway-2']);
  });

  it('passes over a replica that cannot take it, and closes the connection when none can', async () => {
    front.add('gateway');
    front.add('gateway-2');
    refusing.add('gateway');
    await connection();
    await connection();
    expect(handed).toEqual(['gateway-2', 'gateway-2']);
    refusing.add('gateway-2');
    await connection();
    expect(handed).toHaveLength(2);
  });

  describe('with replicas in processes of their own, as npm start runs them', () => {
    let replica: ChildProcess;
    let processFront: GatewayFront;

    beforeEach(async () => {
      replica = await replicaProcess();
      processFront = new GatewayFront({
        handOver: (_name, socket) =>
          new Promise((resolve) => replica.send('connection', socket, (error) => resolve(!error))),
      });
      port = await processFront.listen(['127.0.0.1'], 0);
      processFront.add('gateway');
    });

    afterEach(async () => {
      processFront.close();
      if (replica.exitCode === null && replica.signalCode === null) {
        replica.kill('SIGKILL');
        await once(replica, 'exit');
      }
    });

    /** Opens a connection and waits until the replica has it. */
    const handedConnection = async (): Promise<Socket> => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(replica, 'message');
      return socket;
    };

    it('closes while a replica still holds a connection it was handed', async () => {
      const socket = await handedConnection();
      processFront.close();
      await expect(once(connect(port, '127.0.0.1'), 'error')).resolves.toBeDefined();
      socket.destroy();
    });

    it('closes once every replica it handed a connection to has exited, as after a crash', async () => {
      // Node's net.Server never emits 'close' once every process it handed connections to has
      // gone; npm start's Ctrl-C waited for it forever after a gateway had crashed.
      (await handedConnection()).destroy();
      replica.kill('SIGKILL');
      await once(replica, 'exit');
      processFront.close();
      await expect(once(connect(port, '127.0.0.1'), 'error')).resolves.toBeDefined();
    });
  });
});
