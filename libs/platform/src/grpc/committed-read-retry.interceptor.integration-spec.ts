import { makeGenericClientConstructor, status, type Client } from '@grpc/grpc-js';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createGrpcClient } from './grpc-client.factory';
import { callUnary, type UnaryMethod } from './unary-call';
import { unaryBytesMethod } from '../testing/bytes-method';

const SERVICE = 'test.v1.Replica';
const method = (name: string) => unaryBytesMethod(SERVICE, name);
const ReplicaClient = makeGenericClientConstructor(
  { Read: method('Read'), Write: method('Write') },
  'Replica',
) as unknown as new (
  ...args: ConstructorParameters<typeof Client>
) => Client & { Read: UnaryMethod<Buffer, Buffer>; Write: UnaryMethod<Buffer, Buffer> };

/** A gRPC message on the wire: not compressed, its length, its bytes. */
function frame(payload: string): Buffer {
  const body = Buffer.from(payload);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

/**
 * A replica at the level of HTTP/2 frames, to die where a grpc-js server can: after its answer's
 * headers and message, before the trailers that carry the status (sent in a later write).
 */
class DyingReplica {
  readonly requests: string[] = [];
  /** How many of the next calls die after their answer began. */
  dying = 0;
  private readonly server: Http2Server = createServer();

  constructor() {
    this.server.on('stream', (stream: ServerHttp2Stream, headers) => {
      this.requests.push(String(headers[':path']));
      stream.resume();
      stream.on('end', () => this.answer(stream));
    });
  }

  private answer(stream: ServerHttp2Stream): void {
    if (this.dying > 0) {
      this.dying -= 1;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      // The process dies here: the connection goes, the status never comes.
      stream.write(frame('half an answer'), () => stream.session?.socket.destroy());
      return;
    }
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(status.OK) }));
    stream.end(frame('the answer'));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('a read whose replica dies after its answer began', () => {
  let replica: DyingReplica;
  let client: InstanceType<typeof ReplicaClient>;

  beforeEach(async () => {
    replica = new DyingReplica();
    const port = await replica.start();
    client = createGrpcClient(ReplicaClient, {
      target: `127.0.0.1:${port}`,
      service: SERVICE,
      idempotentMethods: ['Read'],
      deadlineMs: 5_000,
    });
  });

  afterEach(async () => {
    client.close();
    await replica.stop();
  });

  it('is sent once more and answered, with the second answer', async () => {
    replica.dying = 1;
    const answer = await callUnary(client, client.Read, Buffer.from('read'));
    expect(answer.toString()).toBe('the answer');
    expect(replica.requests).toEqual([`/${SERVICE}/Read`, `/${SERVICE}/Read`]);
  });

  it('fails when the second attempt dies too: once more, not a loop', async () => {
    replica.dying = 2;
    await expect(callUnary(client, client.Read, Buffer.from('read'))).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    expect(replica.requests).toHaveLength(2);
  });

  it('never sends a write twice', async () => {
    replica.dying = 1;
    await expect(callUnary(client, client.Write, Buffer.from('write'))).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    expect(replica.requests).toEqual([`/${SERVICE}/Write`]);
  });
});
