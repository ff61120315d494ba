import { ONE_EACH } from '@kinema/dev-infra';
import { request as httpRequest } from 'node:http';
import { WebSocket } from 'ws';
import { Client, type Registered } from './support/accounts';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';
import { sample, uploadClip } from './support/videos';

interface Message {
  type: string;
  signedIn?: boolean;
  positionSeconds?: number;
  reason?: string;
  code?: string;
}

interface Socket {
  replica: string;
  messages: Message[];
  send(message: object): void;
  /** Resolves once everything the server sent before answering this ping has arrived. */
  settled(): Promise<void>;
  close(): void;
}

interface Answer {
  replica: string;
  status: number;
  contentType: string;
  body: string;
}

const GATEWAYS = ['gateway', 'gateway-2'];
// How long an ended session may keep working on a replica: the SessionsEnded event's trip from
// the users service's outbox through Kafka to every replica (docs/security.md, "Ended sessions and playback grants"), with
// room for a heavily loaded test machine.
const REVOCATION_BOUND_MS = 10_000;

const clip = sample('bars-faststart.mp4');
let system: TestSystem;
let api: string;
let titleId: string;

/** The replica that answered: the first name of `x-served-by`. */
function replicaOf(servedBy: string | string[] | undefined): string {
  return String(servedBy ?? '').split(/[ ,]+/)[0] ?? '';
}

/** One request on a connection of its own, so the kernel picks a gateway replica afresh. */
function once(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = httpRequest(`${system.gatewayUrl}${path}`, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        done({
          replica: replicaOf(res.headers['x-served-by']),
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body,
        }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

/** The same request until every gateway replica has answered it; the first answer of each. */
async function onEveryGateway(
  path: string,
  headers: Record<string, string> = {},
): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  for (let attempt = 0; answers.size < GATEWAYS.length; attempt++) {
    if (attempt === 100) throw new Error(`only ${[...answers.keys()].join(', ')} answered`);
    const answer = await once(path, headers);
    if (!answers.has(answer.replica)) answers.set(answer.replica, answer);
  }
  return answers;
}

async function connect(): Promise<Socket> {
  const socket = new WebSocket(`${system.gatewayUrl.replace('http', 'ws')}/ws`);
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
  const replica = await new Promise<string>((done, fail) => {
    socket.once('upgrade', (response) => done(replicaOf(response.headers['x-served-by'])));
    socket.once('error', fail);
  });
  await eventually(async () => expect(messages.some((m) => m.type === 'welcome')).toBe(true));
  return {
    replica,
    messages,
    send: (message) => socket.send(JSON.stringify(message)),
    settled: async () => {
      const pongs = messages.filter((m) => m.type === 'pong').length;
      socket.send(JSON.stringify({ type: 'ping' }));
      await eventually(async () =>
        expect(messages.filter((m) => m.type === 'pong').length).toBe(pongs + 1),
      );
    },
    close: () => socket.close(),
  };
}

/** Sockets signed in with this token to this profile, at least one on every gateway replica. */
async function signedInEverywhere(token: string, profileId: string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let attempt = 0; GATEWAYS.some((g) => !sockets.some((s) => s.replica === g)); attempt++) {
    if (attempt === 40) throw new Error('the sockets all landed on one gateway replica');
    sockets.push(await connect());
  }
  for (const socket of sockets) {
    socket.send({ type: 'auth', token, profileId });
    await eventually(async () =>
      expect(socket.messages).toContainEqual(
        expect.objectContaining({ type: 'welcome', signedIn: true }),
      ),
    );
  }
  return sockets;
}

async function reportProgress(viewer: Client, profileId: string, positionSeconds: number) {
  const answer = await viewer.call('PUT', `/me/profiles/${profileId}/progress/${titleId}`, {
    body: { positionSeconds, durationSeconds: 600 },
  });
  expect(answer.status).toBe(200);
}

const progressAt = (socket: Socket, positionSeconds: number) =>
  socket.messages.some(
    (m) => m.type === 'profile.progress' && m.positionSeconds === positionSeconds,
  );

async function everyFeedJoined(): Promise<void> {
  await eventually(async () => {
    const answers = await onEveryGateway('/readyz');
    for (const [replica, answer] of answers) {
      const ready = JSON.parse(answer.body) as {
        details: { lifecycle: { events?: { feed: string } } };
      };
      expect([replica, ready.details.lifecycle.events?.feed]).toEqual([replica, 'joined']);
    }
  }, 60_000);
}

beforeAll(async () => {
  system = await startTestSystem(5, {}, { scale: { ...ONE_EACH, gateway: 2 } });
  api = `${system.gatewayUrl}/api/v1`;
  const admin = new Client(api);
  await admin.signIn(system.plan.admin);
  const created = await admin.call<{ id: string }>('POST', '/titles', {
    body: {
      slug: 'sessions-e2e',
      type: 'movie',
      name: 'Sessions',
      releaseYear: 2025,
      runtimeMinutes: 90,
      maturityRating: '13+',
      genres: ['drama'],
      availability: 'published',
    },
  });
  expect(created.status).toBe(201);
  titleId = created.body.id;
  expect(await uploadClip(api, titleId, clip, admin)).toBe(201);
  await eventually(async () =>
    expect((await request<{ playable: boolean }>(api, `/titles/${titleId}`)).body.playable).toBe(
      true,
    ),
  );
  await everyFeedJoined();
}, 240_000);

afterAll(async () => {
  await system?.dispose();
});

/** A second session of the same account, as another device would have. */
async function anotherDevice(account: Registered): Promise<Client> {
  const device = new Client(api);
  const login = await device.call<{ tokens: { accessToken: string } }>('POST', '/auth/login', {
    body: { email: account.email, password: account.password },
  });
  expect(login.status).toBe(200);
  device.token = login.body.tokens.accessToken;
  return device;
}

async function grantUrl(client: Client, profileId: string): Promise<string> {
  const granted = await client.call<{ streamUrl: string }>('POST', `/titles/${titleId}/playback`, {
    headers: { 'x-profile-id': profileId },
  });
  expect(granted.status).toBe(200);
  return granted.body.streamUrl;
}

async function expectPlaysEverywhere(url: string): Promise<void> {
  for (const [replica, answer] of await onEveryGateway(url, { range: 'bytes=100-199' })) {
    expect([replica, answer.status, answer.body.length]).toEqual([replica, 206, 100]);
  }
}

async function expectRefusedEverywhere(url: string): Promise<void> {
  await eventually(async () => {
    for (const [replica, answer] of await onEveryGateway(url, { range: 'bytes=200-299' })) {
      expect([replica, answer.status, answer.contentType]).toEqual([
        replica,
        401,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      expect(JSON.parse(answer.body)).toMatchObject({
        status: 401,
        code: 'INVALID_PLAYBACK_GRANT',
        detail: expect.stringContaining('session that has ended'),
      });
    }
  }, REVOCATION_BOUND_MS);
}

describe('an ended session ends everywhere, on every gateway replica', () => {
  it('signs out the sockets of a session after logout: told why, then no more profile.progress', async () => {
    const phone = new Client(api);
    const account = await phone.register();
    const laptop = await anotherDevice(account);
    const ending = await signedInEverywhere(account.tokens.accessToken, account.profileId);
    const staying = await signedInEverywhere(laptop.token ?? '', account.profileId);
    try {
      await reportProgress(laptop, account.profileId, 30);
      await eventually(async () => {
        for (const socket of [...ending, ...staying]) expect(progressAt(socket, 30)).toBe(true);
      });
      const out = await phone.call('POST', '/auth/logout', {
        body: { refreshToken: account.tokens.refreshToken },
      });
      expect(out.status).toBe(204);
      await eventually(async () => {
        for (const socket of ending) {
          expect([socket.replica, socket.messages.at(-1)]).toEqual([
            socket.replica,
            {
              type: 'session.ended',
              reason: 'logout',
              eventId: expect.any(String),
              time: expect.any(String),
            },
          ]);
        }
      }, REVOCATION_BOUND_MS);
      await reportProgress(laptop, account.profileId, 60);
      await eventually(async () => {
        for (const socket of staying) expect(progressAt(socket, 60)).toBe(true);
      });
      // A ping answered after the progress went out: anything sent to these sockets has arrived.
      for (const socket of ending) await socket.settled();
      for (const socket of ending)
        expect([socket.replica, progressAt(socket, 60)]).toEqual([socket.replica, false]);
      for (const socket of staying)
        expect(socket.messages.some((m) => m.type === 'session.ended')).toBe(false);
      // Signing in again with the ended session's token is told the session ended, not only refused.
      for (const socket of ending)
        socket.send({
          type: 'auth',
          token: account.tokens.accessToken,
          profileId: account.profileId,
        });
      await eventually(async () => {
        for (const socket of ending)
          expect([socket.replica, socket.messages.at(-1)]).toEqual([
            socket.replica,
            expect.objectContaining({ type: 'error', code: 'SESSION_ENDED' }),
          ]);
      });
    } finally {
      for (const socket of [...ending, ...staying]) socket.close();
    }
  });

  it('signs out the sockets of a deleted account', async () => {
    const viewer = new Client(api);
    const account = await viewer.register();
    const sockets = await signedInEverywhere(account.tokens.accessToken, account.profileId);
    try {
      const deleted = await viewer.call('DELETE', '/me', {
        body: { currentPassword: account.password },
      });
      expect(deleted.status).toBe(204);
      await eventually(async () => {
        for (const socket of sockets) {
          expect([socket.replica, socket.messages.at(-1)]).toEqual([
            socket.replica,
            expect.objectContaining({ type: 'session.ended', reason: 'account_deleted' }),
          ]);
        }
      }, REVOCATION_BOUND_MS);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('refuses a grant URL after logout, while another session’s grant keeps playing', async () => {
    const phone = new Client(api);
    const account = await phone.register();
    const laptop = await anotherDevice(account);
    const revoked = await grantUrl(phone, account.profileId);
    const kept = await grantUrl(laptop, account.profileId);
    await expectPlaysEverywhere(revoked);
    const out = await phone.call('POST', '/auth/logout', {
      body: { refreshToken: account.tokens.refreshToken },
    });
    expect(out.status).toBe(204);
    await expectRefusedEverywhere(revoked);
    await expectPlaysEverywhere(kept);
  });

  it('refuses a grant URL after the account is deleted', async () => {
    const viewer = new Client(api);
    const account = await viewer.register();
    const url = await grantUrl(viewer, account.profileId);
    await expectPlaysEverywhere(url);
    const deleted = await viewer.call('DELETE', '/me', {
      body: { currentPassword: account.password },
    });
    expect(deleted.status).toBe(204);
    await expectRefusedEverywhere(url);
  });
});
