import {
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  status,
  type Client,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { waitFor } from '@kinema/dev-infra';
import { runWithRequestId } from '../logging/request-context';
import { unaryBytesMethod } from '../testing/bytes-method';
import { createGrpcClient } from './grpc-client.factory';
import { callUnary, type UnaryMethod } from './unary-call';

const SERVICE = 'test.v1.Slow';
const definition = {
  Read: unaryBytesMethod(SERVICE, 'Read'),
  Write: unaryBytesMethod(SERVICE, 'Write'),
};
const SlowClient = makeGenericClientConstructor(definition, 'Slow') as unknown as new (
  ...args: ConstructorParameters<typeof Client>
) => Client & { Read: UnaryMethod<Buffer, Buffer>; Write: UnaryMethod<Buffer, Buffer> };

describe('a call made for a caller that goes away', () => {
  const seen: Array<{ method: string; cancelled: boolean }> = [];
  const pending: Array<() => void> = [];
  const server = new Server();
  let client: InstanceType<typeof SlowClient>;

  beforeAll(async () => {
    // Answers only when told to; notes whether the caller cancelled meanwhile.
    const handle =
      (method: string) =>
      (call: ServerUnaryCall<Buffer, Buffer>, answer: sendUnaryData<Buffer>) => {
        const entry = { method, cancelled: false };
        let answered = false;
        seen.push(entry);
        // grpc-js also says 'cancelled' once an answered call's stream closes: only before counts.
        call.once('cancelled', () => (entry.cancelled ||= !answered));
        pending.push(() => {
          answered = true;
          answer(null, Buffer.from('done'));
        });
      };
    server.addService(definition, { Read: handle('Read'), Write: handle('Write') });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    client = createGrpcClient(SlowClient, {
      target: `127.0.0.1:${port}`,
      service: SERVICE,
      idempotentMethods: ['Read'],
      deadlineMs: 10_000,
    });
  });

  afterAll(() => {
    client?.close();
    server.forceShutdown();
  });

  beforeEach(() => {
    seen.length = 0;
    pending.length = 0;
  });

  it('cancels a read at once, and the service learns it', async () => {
    const caller = new AbortController();
    const read = runWithRequestId(
      'r',
      () => callUnary(client, client.Read, Buffer.alloc(0)),
      caller.signal,
    );
    await waitFor(() => seen.length === 1, 'the read to reach the service');
    caller.abort();
    await expect(read).rejects.toMatchObject({ code: status.CANCELLED });
    await waitFor(() => seen[0]?.cancelled === true, 'the service to see the read cancelled');
  });

  it('sends a write through to its answer whoever waits for it', async () => {
    const caller = new AbortController();
    const write = runWithRequestId(
      'w',
      () => callUnary(client, client.Write, Buffer.alloc(0)),
      caller.signal,
    );
    await waitFor(() => seen.length === 1, 'the write to reach the service');
    caller.abort();
    for (const answer of pending) answer();
    await expect(write.then(String)).resolves.toBe('done');
    expect(seen).toEqual([{ method: 'Write', cancelled: false }]);
  });

  it('does not send a read for a caller already gone past the service, and reads outside a request run', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(
      runWithRequestId('g', () => callUnary(client, client.Read, Buffer.alloc(0)), gone.signal),
    ).rejects.toMatchObject({ code: status.CANCELLED });
    const plain = callUnary(client, client.Read, Buffer.alloc(0));
    await waitFor(() => pending.length >= 1 && seen.some((s) => !s.cancelled), 'a plain read');
    for (const answer of pending) answer();
    await expect(plain.then(String)).resolves.toBe('done');
  });
});
