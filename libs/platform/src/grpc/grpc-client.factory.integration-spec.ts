import {
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type Client,
  type sendUnaryData,
  type ServerUnaryCall,
  type StatusObject,
} from '@grpc/grpc-js';
import { servedByInterceptor } from '../grpc-server/served-by.interceptor';
import { createGrpcClient } from './grpc-client.factory';
import { callUnary, type UnaryMethod } from './unary-call';
import { unaryBytesMethod } from '../testing/bytes-method';

const SERVICE = 'test.v1.Replica';
const method = (name: string) => unaryBytesMethod(SERVICE, name);
const definition = { Read: method('Read'), Write: method('Write') };
const ReplicaClient = makeGenericClientConstructor(definition, 'Replica') as unknown as new (
  ...args: ConstructorParameters<typeof Client>
) => Client & { Read: UnaryMethod<Buffer, Buffer>; Write: UnaryMethod<Buffer, Buffer> };

type Behaviour = 'answer' | 'hang' | 'unavailable';

/** A replica that answers with its name, never answers, or fails every call with UNAVAILABLE. */
class Replica {
  behaviour: Behaviour = 'answer';
  readonly calls = { Read: 0, Write: 0 };
  private readonly server = new Server({ interceptors: [servedByInterceptor] });
  port = 0;

  constructor(readonly name: string) {
    const handle =
      (kind: keyof Replica['calls']) =>
      (_call: ServerUnaryCall<Buffer, Buffer>, answer: sendUnaryData<Buffer>) => {
        this.calls[kind] += 1;
        if (this.behaviour === 'answer') answer(null, Buffer.from(this.name));
        if (this.behaviour === 'unavailable') answer({ code: status.UNAVAILABLE }, null);
      };
    this.server.addService(definition, { Read: handle('Read'), Write: handle('Write') });
  }

  async start(): Promise<void> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

// The policy is the channel's, so any resolver gets it: here a plain list of addresses, as DNS
// over a headless Service returns.
describe('gRPC client failover (two replicas, a static address list)', () => {
  let a: Replica;
  let b: Replica;
  let client: InstanceType<typeof ReplicaClient>;

  const read = () => callUnary(client, client.Read, Buffer.alloc(0)).then(String);
  const write = () => callUnary(client, client.Write, Buffer.alloc(0)).then(String);
  /** Reads until both replicas have answered one: the channel is connected to each. */
  const connectedToBoth = async () => {
    const answered = new Set<string>();
    while (answered.size < 2) answered.add(await read());
  };

  beforeEach(async () => {
    a = new Replica('a');
    b = new Replica('b');
    await Promise.all([a.start(), b.start()]);
    client = createGrpcClient(ReplicaClient, {
      target: `127.0.0.1:${a.port},127.0.0.1:${b.port}`,
      service: SERVICE,
      idempotentMethods: ['Read'],
      deadlineMs: 10_000,
    });
  });

  afterEach(() => {
    client.close();
    a.stop();
    b.stop();
  });

  it('answers reads from the other replica while one never answers, then ejects it', async () => {
    await connectedToBoth();
    a.behaviour = 'hang';
    // A burst, so round robin hands the silent replica several at once.
    expect(new Set(await Promise.all(Array.from({ length: 20 }, read)))).toEqual(new Set(['b']));
    expect(a.calls.Read).toBeGreaterThan(0);
    // Writes are sent once, never hedged: ten in a row all reaching b show a is out of rotation
    // (were it still in, each would have an even chance of going to a and waiting forever).
    const writesBefore = a.calls.Write;
    for (let i = 0; i < 10; i++) expect(await write()).toBe('b');
    expect(a.calls.Write).toBe(writesBefore);
  });

  it('sends a write once, though its replica fails, and a read up to five times', async () => {
    a.behaviour = 'unavailable';
    b.behaviour = 'unavailable';
    await expect(write()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(a.calls.Write + b.calls.Write).toBe(1);
    await expect(read()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(a.calls.Read + b.calls.Read).toBe(5);
  });

  it('names the replica that served a call in its trailers, not in headers sent before', async () => {
    const served = await new Promise<{ headers: string[]; trailers: string[] }>(
      (resolve, reject) => {
        let headers: string[] = [];
        const call = client.Read(Buffer.alloc(0), new Metadata(), {}, (error) => {
          if (error) reject(error);
        });
        call.on('metadata', (metadata: Metadata) => {
          headers = metadata.get('x-served-by').map(String);
        });
        call.on('status', (answer: StatusObject) =>
          resolve({ headers, trailers: answer.metadata.get('x-served-by').map(String) }),
        );
      },
    );
    expect(served.headers).toEqual([]);
    expect(served.trailers).toHaveLength(1);
  });
});
