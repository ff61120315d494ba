import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dataSourceOptions } from '../database/database.module';
import { LaggingSocket, laggingDatabaseStream } from './lagging-socket';

/** Lets real I/O happen (timers are fake) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('the slow-database seam (a socket that hands on what it receives late)', () => {
  let server: Server;
  let peers: Socket[];

  beforeEach(async () => {
    // The clock and timers are the test's; sockets, setImmediate and promises stay real.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    peers = [];
    server = createServer((socket) => peers.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterEach(async () => {
    jest.useRealTimers();
    for (const peer of peers) peer.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  async function connected(latency: () => number) {
    const socket = new LaggingSocket(latency);
    const received: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    socket.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    await until(() => peers.length === 1);
    const peer = peers[0] as Socket;
    /** The server sends `text`; resolves once it has reached this process (held or not). */
    const send = async (text: string) => {
      const before = socket.bytesRead;
      peer.write(text);
      await until(() => socket.bytesRead === before + text.length);
    };
    return { socket, received, send, peer };
  }

  it('hands data on exactly the latency after it arrived, and at once when there is none', async () => {
    let latency = 300;
    const { socket, received, send } = await connected(() => latency);
    await send('a');
    expect(received).toEqual([]);
    jest.advanceTimersByTime(299);
    expect(received).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(received).toEqual(['a']);

    latency = 0;
    await send('b');
    expect(received).toEqual(['a', 'b']);
    socket.destroy();
  });

  it('keeps the order when the latency goes down while data is held', async () => {
    let latency = 300;
    const { socket, received, send } = await connected(() => latency);
    await send('first');
    jest.advanceTimersByTime(100);
    latency = 0;
    await send('second');
    expect(received).toEqual([]);
    jest.advanceTimersByTime(200);
    expect(received).toEqual(['first', 'second']);
    socket.destroy();
  });

  it('holds the end of the stream behind the data before it', async () => {
    const { received, socket, send, peer } = await connected(() => 50);
    const ended = jest.fn();
    socket.on('end', ended);
    await send('last words');
    peer.end();
    // The end of the stream has reached this process (Node marks it ended as it emits 'end').
    await until(() => socket.readableEnded);
    jest.advanceTimersByTime(49);
    expect(received).toEqual([]);
    expect(ended).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(received).toEqual(['last words']);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('is what pg opens a connection with only when fault injection is on', () => {
    const config = {
      url: 'postgres://postgres@127.0.0.1:5432/postgres',
      poolMax: 1,
      migrations: [],
      migrationsRun: false,
      migrationLockKey: 1,
    };
    const extra = (faultInjection: boolean) =>
      dataSourceOptions({ ...config, faultInjection }).extra as Record<string, unknown>;
    expect(extra(true)['stream']).toBe(laggingDatabaseStream);
    expect(extra(false)).not.toHaveProperty('stream');
  });
});
