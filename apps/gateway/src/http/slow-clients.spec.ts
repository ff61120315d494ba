import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createTestGateway } from '../testing/test-gateway';
import { FakeServices } from '../testing/fake-services';

describe('a client that sends its body slowly (slowloris in the body phase)', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  let port = 0;

  beforeAll(async () => {
    services = new FakeServices({});
    app = await createTestGateway(services, {
      HTTP_BODY_TIMEOUT_MS: '300',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  it.each([
    ['a length', 'content-length: 64\r\n\r\n{'],
    ['chunks', 'transfer-encoding: chunked\r\n\r\n40\r\n{'],
  ])(
    'is answered 408 as a problem and its connection closed, however steadily it trickles (%s)',
    async (_, framing) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nhost: kinema\r\ncontent-type: application/json\r\n' +
          framing,
      );
      // One more byte every 50 ms: never idle, never done.
      const trickle = setInterval(() => socket.writable && socket.write(' '), 50);
      await closed;
      clearInterval(trickle);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(received).toMatch(/content-type: application\/problem\+json/i);
      expect(received).toMatch(/x-content-type-options: nosniff/i);
    },
  );

  it.each([
    ['JSON bodies', 'POST /api/v1/auth/login', 'application/json', '{"email": 42}'],
    [
      'uploads',
      'POST /api/v1/titles/8f14e45f-ceea-467f-a0e6-6b9ae7d7c2d1/video',
      'video/mp4',
      'not really a video',
    ],
  ])(
    'leaves nothing behind on a keep-alive connection for each request it carried (%s)',
    async (_, line, type, body) => {
      const serverSide = new Promise<Socket>((resolve) =>
        app.getHttpServer().once('connection', resolve),
      );
      const socket = connect(port, '127.0.0.1');
      socket.setEncoding('latin1');
      let received = '';
      socket.on('data', (chunk: string) => (received += chunk));
      const login =
        `${line} HTTP/1.1\r\nhost: kinema\r\ncontent-type: ${type}\r\n` +
        `content-length: ${body.length}\r\n\r\n${body}`;
      const answers = async (count: number) => {
        // Each answer starts with its status line (a body may end just before the next one).
        while ((received.match(/HTTP\/1\.1 \d{3} /g) ?? []).length < count) {
          await new Promise((resolve) => socket.once('data', resolve));
        }
      };
      socket.write(login);
      await answers(1);
      const server = await serverSide;
      const after = () => ({
        close: server.listenerCount('close'),
        end: server.listenerCount('end'),
        timeout: server.listenerCount('timeout'),
      });
      const afterOne = after();
      for (let sent = 2; sent <= 12; sent += 1) {
        socket.write(login);
        await answers(sent);
      }
      expect(after()).toEqual(afterOne);
      socket.destroy();
    },
  );
});
