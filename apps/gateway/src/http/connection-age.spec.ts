import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Agent, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createTestGateway } from '../testing/test-gateway';
import { FakeServices } from '../testing/fake-services';

const MAX_AGE_MS = 1_000;

interface Answer {
  connection: string | undefined;
  socket: Socket;
}

describe('keep-alive connections past their age (HTTP_MAX_CONNECTION_AGE_MS)', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  let port = 0;

  beforeAll(async () => {
    services = new FakeServices({});
    app = await createTestGateway(services, {
      HTTP_MAX_CONNECTION_AGE_MS: String(MAX_AGE_MS),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  // One connection at a time, kept alive between requests, as a browser or a pooled client does.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  afterAll(async () => {
    // The client's connections first: the server's close waits for those still open.
    agent.destroy();
    await app?.close();
    services?.stop();
  });

  const get = () =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (response) => {
        // Read now: once the answer ends, the socket goes back to the agent (or is closed).
        const socket = response.socket;
        response.resume();
        response.on('end', () => resolve({ connection: response.headers.connection, socket }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });

  it('keeps a young connection, then closes it with its first answer past the age', async () => {
    const first = await get();
    expect(first.connection).toBe('keep-alive');
    const started = Date.now();
    let answer = await get();
    // The same connection serves every request until it is old enough to be closed.
    while (answer.connection === 'keep-alive' && Date.now() - started < 10 * MAX_AGE_MS) {
      expect(answer.socket).toBe(first.socket);
      answer = await get();
    }
    expect(answer.connection).toBe('close');
    expect(answer.socket).toBe(first.socket);
    // The client opens a new connection, which is young again.
    const next = await get();
    expect(next.socket).not.toBe(first.socket);
    expect(next.connection).toBe('keep-alive');
  });
});
