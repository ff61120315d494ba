import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Metadata, status } from '@grpc/grpc-js';
import pino from 'pino';
import { WebSocket } from 'ws';
import type { Notification, ServerMessage } from './notifications';
import { RealtimeHub, SESSION_ENDED } from './realtime.hub';

let http: Server;
let hub: RealtimeHub;
let port: number;
let endedSessions: Set<string>;

function notification(n: number, padding = 0): Notification {
  return {
    type: 'title.updated',
    eventId: `event-${n}`,
    time: new Date(0).toISOString(),
    title: { id: `t${n}`, slug: `t${n}`, name: 'x'.repeat(padding) },
    changedFields: ['name'],
  };
}

/** A client that records every message it receives. */
async function client(): Promise<{
  socket: WebSocket;
  messages: ServerMessage[];
  closed: Promise<number>;
}> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await until(() => messages.some((m) => m.type === 'welcome'));
  return { socket, messages, closed };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(async () => {
  endedSessions = new Set();
  http = createServer((_req, res) => res.end());
  hub = new RealtimeHub(
    {
      path: '/ws',
      maxBufferedBytes: 256 * 1024,
      pingIntervalMs: 60_000,
      maxPayloadBytes: 4096,
      authenticate: async (token, profileId) => {
        if (token === 'users-down')
          throw Object.assign(new Error('users is down'), {
            code: status.UNAVAILABLE,
            details: 'users is down',
            metadata: new Metadata(),
          });
        if (token === 'good') return { profileId, sessionId: 's1' };
        if (token === 'kids') return { profileId, sessionId: 's4', maturityCeiling: 2 };
        if (token === 'admin') return { profileId, sessionId: 's5', admin: true };
        if (token === 'admins-kid')
          return { profileId, sessionId: 's6', admin: true, maturityCeiling: 2 };
        if (token === 'other-session') return { profileId, sessionId: 's2' };
        if (token === 'ending') {
          // The session ends while its check is in flight.
          endedSessions.add('s3');
          return { profileId, sessionId: 's3' };
        }
        if (token === 'ended') return SESSION_ENDED;
        return null;
      },
      sessionEnded: (sessionId) => endedSessions.has(sessionId),
      maxAuthPerMinute: 5,
      servedBy: 'gateway-7',
    },
    pino({ level: 'silent' }),
  );
  hub.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterEach(async () => {
  await hub.close();
  await new Promise((resolve) => http.close(resolve));
});

describe('RealtimeHub', () => {
  it('greets a new client and answers ping with pong', async () => {
    const c = await client();
    expect(c.messages[0]).toMatchObject({ type: 'welcome', signedIn: false });
    c.socket.send(JSON.stringify({ type: 'ping' }));
    await until(() => c.messages.some((m) => m.type === 'pong'));
    c.socket.close();
  });

  it('names the replica that holds the socket in the handshake, as HTTP answers do', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const servedBy = await new Promise<unknown>((resolve, reject) => {
      socket.once('upgrade', (response) => resolve(response.headers['x-served-by']));
      socket.once('error', reject);
    });
    expect(servedBy).toBe('gateway-7');
    socket.close();
  });

  it('answers malformed frames with an error message and keeps the connection open', async () => {
    const c = await client();
    c.socket.send('{not json');
    c.socket.send(JSON.stringify([1, 2]));
    c.socket.send(JSON.stringify({ type: 'launch-missiles' }));
    c.socket.send(JSON.stringify({ type: 'auth', profileId: 'p' }));
    c.socket.send(Buffer.from('{"type":"ping"}'), { binary: true });
    await until(() => c.messages.filter((m) => m.type === 'error').length === 5);
    // Each says what is wrong with it.
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'BAD_MESSAGE',
        message: 'not JSON: each message is a JSON object with a "type"',
      },
      { type: 'error', code: 'BAD_MESSAGE', message: 'expected a JSON object with a "type"' },
      { type: 'error', code: 'UNKNOWN_TYPE', message: 'unknown message type "launch-missiles"' },
      {
        type: 'error',
        code: 'BAD_MESSAGE',
        message: 'auth needs "token" (an access token) and "profileId", both strings',
      },
      { type: 'error', code: 'BAD_MESSAGE', message: 'a binary frame: each message is JSON text' },
    ]);
    hub.broadcast(notification(1));
    await until(() => c.messages.some((m) => m.type === 'title.updated'));
    expect(c.socket.readyState).toBe(WebSocket.OPEN);
    c.socket.close();
  });

  it('delivers a broadcast to 200 clients connected at once', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => client()));
    expect(hub.size).toBe(200);
    hub.broadcast(notification(7));
    await until(() => clients.every((c) => c.messages.some((m) => m.type === 'title.updated')));
    for (const c of clients) c.socket.close();
  });

  it('drops a client that never reads while the others keep receiving', async () => {
    const reader = await client();
    // A raw TCP client that completes the handshake and then never reads a byte.
    const stalled: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await until(() => hub.size === 2);
    stalled.pause();
    // Enough to fill the kernel's socket buffers on loopback, then the hub's bound.
    for (let n = 0; n < 6_000 && hub.size === 2; n++) {
      hub.broadcast(notification(n, 4_000));
      if (n % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => hub.size === 1);
    hub.broadcast(notification(99_999));
    await until(
      () => reader.messages.some((m) => m.type === 'title.updated' && m.eventId === 'event-99999'),
      20_000,
    );
    expect(reader.socket.readyState).toBe(WebSocket.OPEN);
    stalled.destroy();
    reader.socket.close();
  }, 30_000);

  it('signs a client in to a profile and sends it that profile’s events only', async () => {
    const mine = await client();
    const other = await client();
    mine.socket.send(JSON.stringify({ type: 'auth', token: 'bad', profileId: 'p1' }));
    await until(() =>
      mine.messages.some((m) => m.type === 'error' && m.code === 'UNAUTHENTICATED'),
    );
    mine.socket.send(JSON.stringify({ type: 'auth', token: 'good', profileId: 'p1' }));
    await until(() => mine.messages.some((m) => m.type === 'welcome' && m.signedIn));
    hub.toProfile('p1', {
      type: 'profile.progress',
      eventId: 'e',
      time: new Date(0).toISOString(),
      profileId: 'p1',
      titleId: 't',
      episodeId: null,
      positionSeconds: 10,
      durationSeconds: 100,
    });
    hub.broadcast(notification(2));
    await until(() => other.messages.some((m) => m.type === 'title.updated'));
    await until(() => mine.messages.some((m) => m.type === 'profile.progress'));
    expect(other.messages.some((m) => m.type === 'profile.progress')).toBe(false);
    mine.socket.close();
    other.socket.close();
  });

  it('never tells a profile with a maturity ceiling about a title above it, as HTTP reads never show one', async () => {
    const kids = await client();
    const anonymous = await client();
    kids.socket.send(JSON.stringify({ type: 'auth', token: 'kids', profileId: 'p2' }));
    await until(() => kids.messages.some((m) => m.type === 'welcome' && m.signedIn));
    hub.broadcast(notification(5), 5);
    hub.broadcast(notification(6), 'unknown');
    hub.broadcast(notification(7), 2);
    const heard = (c: { messages: ServerMessage[] }) =>
      c.messages.flatMap((m) => (m.type === 'title.updated' ? [m.title.id] : []));
    await until(() => heard(kids).includes('t7') && heard(anonymous).includes('t7'));
    expect(heard(kids)).toEqual(['t7']);
    expect(heard(anonymous)).toEqual(['t5', 't6', 't7']);
    kids.socket.close();
    anonymous.socket.close();
  });

  it('tells admins, and no one else, of a draft, within their profile’s ceiling; an ended session hears no more of them', async () => {
    const admin = await client();
    const adminsKid = await client();
    const viewer = await client();
    const anonymous = await client();
    admin.socket.send(JSON.stringify({ type: 'auth', token: 'admin', profileId: 'p5' }));
    adminsKid.socket.send(JSON.stringify({ type: 'auth', token: 'admins-kid', profileId: 'p6' }));
    viewer.socket.send(JSON.stringify({ type: 'auth', token: 'good', profileId: 'p1' }));
    for (const c of [admin, adminsKid, viewer])
      await until(() => c.messages.some((m) => m.type === 'welcome' && m.signedIn));
    hub.toAdmins(notification(1), 4);
    hub.toAdmins(notification(2), 2);
    hub.broadcast(notification(3), 1);
    const heard = (c: { messages: ServerMessage[] }) =>
      c.messages.flatMap((m) => (m.type === 'title.updated' ? [m.title.id] : []));
    for (const c of [admin, adminsKid, viewer, anonymous])
      await until(() => heard(c).includes('t3'));
    expect(heard(admin)).toEqual(['t1', 't2', 't3']);
    expect(heard(adminsKid)).toEqual(['t2', 't3']);
    expect(heard(viewer)).toEqual(['t3']);
    expect(heard(anonymous)).toEqual(['t3']);

    hub.endSessions(['s5'], {
      eventId: 'end',
      time: new Date(0).toISOString(),
      reason: 'role_changed',
    });
    await until(() => admin.messages.some((m) => m.type === 'session.ended'));
    hub.toAdmins(notification(4), 1);
    hub.broadcast(notification(5));
    await until(() => heard(admin).includes('t5'));
    expect(heard(admin)).toEqual(['t1', 't2', 't3', 't5']);
    for (const c of [admin, adminsKid, viewer, anonymous]) c.socket.close();
  });

  it('signs out the sockets of an ended session: told why, then no profile events, public ones still', async () => {
    const progress = (eventId: string): Notification => ({
      type: 'profile.progress',
      eventId,
      time: new Date(0).toISOString(),
      profileId: 'p1',
      titleId: 't',
      episodeId: null,
      positionSeconds: 10,
      durationSeconds: 100,
    });
    const ending = await client();
    const staying = await client();
    ending.socket.send(JSON.stringify({ type: 'auth', token: 'good', profileId: 'p1' }));
    staying.socket.send(JSON.stringify({ type: 'auth', token: 'other-session', profileId: 'p1' }));
    for (const c of [ending, staying])
      await until(() => c.messages.some((m) => m.type === 'welcome' && m.signedIn));
    expect(
      hub.endSessions(['s1'], {
        eventId: 'end-1',
        time: new Date(0).toISOString(),
        reason: 'logout',
      }),
    ).toBe(1);
    await until(() => ending.messages.some((m) => m.type === 'session.ended'));
    expect(ending.messages.find((m) => m.type === 'session.ended')).toEqual({
      type: 'session.ended',
      eventId: 'end-1',
      time: new Date(0).toISOString(),
      reason: 'logout',
    });
    hub.toProfile('p1', progress('after-end'));
    hub.broadcast(notification(3));
    await until(() => ending.messages.some((m) => m.type === 'title.updated'));
    await until(() => staying.messages.some((m) => m.type === 'profile.progress'));
    expect(ending.messages.some((m) => m.type === 'profile.progress')).toBe(false);
    expect(ending.socket.readyState).toBe(WebSocket.OPEN);
    // It may sign in again, with a live session.
    ending.socket.send(JSON.stringify({ type: 'auth', token: 'other-session', profileId: 'p1' }));
    await until(
      () => ending.messages.filter((m) => m.type === 'welcome' && m.signedIn).length === 2,
    );
    hub.toProfile('p1', progress('signed-in-again'));
    await until(() => ending.messages.some((m) => m.type === 'profile.progress'));
    ending.socket.close();
    staying.socket.close();
  });

  it('tells a socket signing in to a session that ended, before or while it was checked, that the session ended', async () => {
    for (const token of ['ending', 'ended']) {
      const c = await client();
      c.socket.send(JSON.stringify({ type: 'auth', token, profileId: 'p1' }));
      await until(() => c.messages.some((m) => m.type === 'error'));
      expect(c.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'SESSION_ENDED' });
      expect(c.messages.some((m) => m.type === 'welcome' && m.signedIn)).toBe(false);
      c.socket.close();
    }
  });

  it('tells a client signing in while the users service is down to retry, not that it was refused', async () => {
    const c = await client();
    c.socket.send(JSON.stringify({ type: 'auth', token: 'users-down', profileId: 'p1' }));
    await until(() => c.messages.some((m) => m.type === 'error'));
    expect(c.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'UNAVAILABLE' });
    expect(c.socket.readyState).toBe(WebSocket.OPEN);
    c.socket.close();
  });

  it('closes a socket that keeps guessing: past the auth messages a minute allows', async () => {
    const c = await client();
    const errors = () => c.messages.filter((m) => m.type === 'error').map((m) => m.code);
    for (let n = 0; n < 5; n++)
      c.socket.send(JSON.stringify({ type: 'auth', token: `guess-${n}`, profileId: 'p1' }));
    await until(() => errors().length === 5);
    c.socket.send(JSON.stringify({ type: 'auth', token: 'guess-5', profileId: 'p1' }));
    expect(await c.closed).toBe(1008);
    expect(errors()).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
  });

  it('drops a client that stops answering pings', async () => {
    const server = createServer((_req, res) => res.end());
    const beating = new RealtimeHub(
      {
        path: '/ws',
        maxBufferedBytes: 1 << 20,
        pingIntervalMs: 50,
        maxPayloadBytes: 4096,
        authenticate: async () => null,
        sessionEnded: () => false,
        maxAuthPerMinute: 5,
      },
      pino({ level: 'silent' }),
    );
    beating.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const socket = new WebSocket(
      `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ws`,
      { autoPong: false },
    );
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(beating.size).toBe(0);
    await beating.close();
    await new Promise((resolve) => server.close(resolve));
  });
});
