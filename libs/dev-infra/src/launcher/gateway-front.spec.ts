import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { GatewayFront } from './gateway-front';

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
});
