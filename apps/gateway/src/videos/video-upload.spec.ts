import {
  status,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import {
  Availability,
  MaturityRating,
  Title,
  TitleType,
  type GetTitleRequest,
} from '@kinema/contracts';
import { metricsRegistry } from '@kinema/platform/ops';
import { metricSample } from '@kinema/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { FakeServices, grpcFailure } from '../testing/fake-services';
import { testAdmin } from '../testing/test-admin';
import { createTestGateway } from '../testing/test-gateway';

const TITLE_ID = '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b';
const ROUTE = '/api/v1/titles/:id/video';

const movie = Title.fromPartial({
  id: TITLE_ID,
  slug: 'night-harbour',
  type: TitleType.TITLE_TYPE_MOVIE,
  name: 'Night Harbour',
  releaseYear: 2020,
  maturityRating: MaturityRating.MATURITY_RATING_TEEN_13,
  availability: Availability.AVAILABILITY_PUBLISHED,
});

interface LogLine {
  msg: string;
  route?: string;
  status?: number;
}

describe('video uploads at the edge', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  let port = 0;
  let token = '';
  const lines: LogLine[] = [];
  /** Told when the fake videos service receives an upload's first bytes, and when it ends. */
  const callsStarted: Array<() => void> = [];
  const callsEnded: Array<() => void> = [];

  /**
   * A gateway over fake services, with `env` on top. Each test has its own: the idle timeout the
   * 408 test needs must not race the work before an upload's first bytes reach the videos service
   * in the other tests (on a loaded machine that work alone can take longer).
   */
  async function start(env: Record<string, string> = {}): Promise<void> {
    const admin = await testAdmin();
    token = admin.token;
    services = new FakeServices({
      users: admin.users,
      catalog: {
        getTitle: (
          _call: ServerUnaryCall<GetTitleRequest, unknown>,
          done: sendUnaryData<unknown>,
        ) => done(null, { title: movie }),
      },
      videos: {
        // Reads whatever comes and never answers: only the client can end these uploads.
        uploadVideo: (call: ServerReadableStream<unknown, unknown>) => {
          call.once('data', () => callsStarted.shift()?.());
          call.on('data', () => undefined);
          call.on('cancelled', () => callsEnded.shift()?.());
        },
      },
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as LogLine);
        }
        done();
      },
    });
    app = await createTestGateway(services, env, pino({ level: 'info' }, sink));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  }

  afterEach(async () => {
    await app?.close();
    services?.stop();
    lines.length = 0;
  });

  /** Starts an upload of `declared` bytes on a raw socket and sends the first `sent` of them. */
  async function startUpload(declared: number, sent: number) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write(
      `POST /api/v1/titles/${TITLE_ID}/video HTTP/1.1\r\nhost: kinema\r\n` +
        `authorization: Bearer ${token}\r\ncontent-type: video/mp4\r\n` +
        `content-length: ${declared}\r\n\r\n`,
    );
    socket.write(Buffer.alloc(sent));
    return socket;
  }

  const uploadLines = () => lines.filter((line) => line.msg === 'request' && line.route === ROUTE);

  /** Waits until `count` upload requests are logged (the log follows the socket's close). */
  async function untilLogged(count: number): Promise<void> {
    while (uploadLines().length < count) await new Promise((resolve) => setImmediate(resolve));
  }

  function requestCount(status: string): Promise<number> {
    return metricsRegistry.metrics().then((text) =>
      metricSample(text, 'http_server_request_duration_seconds_count', {
        route: ROUTE,
        status_code: status,
      }),
    );
  }

  it('logs and counts an upload its client abandons mid-body as 499, once', async () => {
    await start();
    const before = await requestCount('499');
    const started = new Promise<void>((resolve) => callsStarted.push(resolve));
    const ended = new Promise<void>((resolve) => callsEnded.push(resolve));
    const socket = await startUpload(4 * 1024 * 1024, 256 * 1024);
    await started;
    socket.destroy();
    await ended;
    await untilLogged(1);
    expect(uploadLines()).toEqual([expect.objectContaining({ status: 499 })]);
    expect(await requestCount('499')).toBe(before + 1);
  });

  it('logs and counts an upload that stalls past its idle timeout as the 408 it was answered', async () => {
    await start({ HTTP_UPLOAD_IDLE_TIMEOUT_MS: '300' });
    const before = await requestCount('408');
    const socket = await startUpload(4 * 1024 * 1024, 256 * 1024);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    await untilLogged(1);
    expect(uploadLines()).toEqual([expect.objectContaining({ status: 408 })]);
    expect(await requestCount('408')).toBe(before + 1);
  });
});

describe('concurrent uploads at the edge', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  let port = 0;
  let token = '';
  let busy = false;
  let calls = 0;
  const callsStarted: Array<() => void> = [];
  const callsEnded: Array<() => void> = [];

  beforeAll(async () => {
    const admin = await testAdmin();
    token = admin.token;
    services = new FakeServices({
      users: admin.users,
      catalog: {
        getTitle: (_call: unknown, done: sendUnaryData<unknown>) => done(null, { title: movie }),
      },
      videos: {
        uploadVideo: (
          call: ServerReadableStream<unknown, unknown>,
          done: sendUnaryData<unknown>,
        ) => {
          calls += 1;
          if (busy) {
            done(grpcFailure(status.UNAVAILABLE, 'UPLOADS_BUSY', 'Busy.'));
            return;
          }
          call.once('data', () => callsStarted.shift()?.());
          call.on('data', () => undefined);
          call.on('cancelled', () => callsEnded.shift()?.());
        },
      },
    });
    app = await createTestGateway(services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  interface Answer {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: { code?: string };
  }

  /** POSTs the head of a 4 MiB upload and 64 KiB of its body; `answer` settles on a response. */
  function post() {
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/titles/${TITLE_ID}/video`,
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'video/mp4',
        'content-length': 4 * 1024 * 1024,
      },
    });
    request.on('error', () => undefined);
    const answer = new Promise<Answer>((resolve) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: JSON.parse(text) as { code?: string },
          }),
        );
      });
    });
    request.write(Buffer.alloc(64 * 1024));
    return { request, answer };
  }

  /** Starts an upload and waits until its bytes reach the videos service. */
  async function parkUpload() {
    const started = new Promise<void>((resolve) => callsStarted.push(resolve));
    const upload = post();
    await started;
    return upload;
  }

  it('refuses an account its third upload at once, as a 429 problem with Retry-After, and takes one again once a slot is free', async () => {
    const first = await parkUpload();
    const second = await parkUpload();
    const callsBefore = calls;
    const third = post();
    const refused = await third.answer;
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.body.code).toBe('TOO_MANY_UPLOADS');
    expect(calls).toBe(callsBefore);

    const ended = new Promise<void>((resolve) => callsEnded.push(resolve));
    first.request.destroy();
    await ended;
    const fourth = await parkUpload();
    for (const upload of [second, third, fourth]) upload.request.destroy();
  });

  it('answers a videos service at its limit with 503, Retry-After and UPLOADS_BUSY', async () => {
    busy = true;
    try {
      const refused = await post().answer;
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.body.code).toBe('UPLOADS_BUSY');
    } finally {
      busy = false;
    }
  });
});
