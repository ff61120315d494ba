import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { startPgliteServer, type RunningPgliteServer } from './pglite-server';
import { PGLITE_COPY_LIMIT_BYTES } from './pglite-session';

const PSQL = '/usr/bin/psql';
const execPsql = promisify(execFile);

/** psql with its stdin given (or closed), as in a script: it never waits for typed input. */
function psql(args: string[], input = ''): Promise<{ stdout: string; stderr: string }> {
  const running = execPsql(PSQL, args);
  running.child.stdin?.end(input);
  return running;
}

describe('the PGlite server with several connections', () => {
  let server: RunningPgliteServer;
  const clients: Client[] = [];

  const connect = async (): Promise<Client> => {
    const client = new Client({ connectionString: server.url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  const count = async (client: Client): Promise<number> =>
    (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM notes')).rows[0]?.n ?? -1;

  beforeAll(async () => {
    server = await startPgliteServer();
    const setup = await connect();
    await setup.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    // PGlite initialises a fresh database first: seconds on a busy machine.
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await server?.stop();
  });

  it("keeps one connection's open transaction away from the others", async () => {
    const [writer, reader] = [await connect(), await connect()];
    await writer.query('BEGIN');
    await writer.query("INSERT INTO notes VALUES (1, 'draft')");
    const events: string[] = [];
    const read = count(reader).then((n) => {
      events.push('read');
      return n;
    });
    await writer.query('ROLLBACK');
    events.push('rolled back');
    // Interleaved into the writer's transaction, the read would have seen the draft.
    expect(await read).toBe(0);
    expect(events).toEqual(['rolled back', 'read']);
  });

  it('rolls back the transaction of a connection that drops, and serves the next one', async () => {
    const doomed = await connect();
    await doomed.query('BEGIN');
    await doomed.query("INSERT INTO notes VALUES (2, 'lost')");
    const ended = new Promise((resolve) => doomed.once('end', resolve));
    (
      doomed as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
    await ended;
    const next = await connect();
    expect(await count(next)).toBe(0);
    await next.query("INSERT INTO notes VALUES (3, 'kept')");
    expect(await count(next)).toBe(1);
  });

  it("never runs another connection's messages inside an unfinished Parse/Bind/Execute/Sync", async () => {
    const first = await WireClient.open(server.port);
    const second = await WireClient.open(server.port);
    // The first connection parses its (unnamed) statement and flushes, but has not synced yet.
    first.send(parse('SELECT 1 AS first'), flush());
    expect(await first.next('1')).toBeDefined(); // ParseComplete
    // The second runs a whole sequence meanwhile; run in between, it would replace the statement.
    second.send(parse('SELECT 2 AS second'), bind(), execute(), sync());
    const secondRow = second.next('D');
    first.send(bind(), execute(), sync());
    expect(textOf(await first.next('D'))).toBe('1');
    expect(textOf(await secondRow)).toBe('2');
    first.end();
    second.end();
  });

  (existsSync(PSQL) ? it : it.skip)(
    'lets psql in beside a connection that stays open (skipped without /usr/bin/psql)',
    async () => {
      const open = await connect();
      const { stdout } = await psql([server.url, '-Atc', 'SELECT body FROM notes ORDER BY id']);
      expect(stdout.trim()).toBe('kept');
      expect(await count(open)).toBe(1);
    },
  );

  (existsSync(PSQL) ? it : it.skip)(
    "takes psql's COPY FROM STDIN, alone or after another statement (skipped without /usr/bin/psql)",
    async () => {
      const copied = await psql(
        [server.url, '-c', 'COPY notes FROM STDIN'],
        '10\tcopied\n11\ttoo\n',
      );
      expect(copied.stdout.trim()).toBe('COPY 2');
      await psql(
        [server.url, '-c', 'CREATE TABLE copies (n int); COPY copies FROM STDIN'],
        '1\n2\n3\n',
      );
      const { stdout } = await psql([server.url, '-Atc', 'SELECT count(*) FROM copies']);
      expect(stdout.trim()).toBe('3');
      const other = await connect();
      expect(await count(other)).toBe(3);
      await other.query('DELETE FROM notes WHERE id >= 10');
    },
  );

  it('a COPY FROM STDIN it cannot take (extended protocol) fails cleanly, and later connections work', async () => {
    const client = await WireClient.open(server.port);
    client.send(parse('COPY notes FROM STDIN'), bind(), execute(), sync());
    expect((await client.next('E')).toString()).toMatch(/COPY from stdin failed/);
    await client.next('Z');
    client.end();
    expect(await count(await connect())).toBe(1);
  });

  it('refuses a COPY over its size limit with an error, and keeps serving', async () => {
    const client = await WireClient.open(server.port);
    client.send(message('Q', 'COPY notes FROM STDIN'));
    await client.next('G');
    // In 64 KiB messages, as psql sends a file.
    const rows = message('d', Buffer.alloc(64 * 1024, '9\tbig\n'));
    client.send(
      ...Array<Buffer>(PGLITE_COPY_LIMIT_BYTES / (64 * 1024) + 1).fill(rows),
      message('c'),
    );
    expect((await client.next('E')).toString()).toMatch(/COPY data over/);
    await client.next('Z');
    client.end();
    expect(await count(await connect())).toBe(1);
  });

  it('a client that leaves in the middle of a COPY adds nothing, and later connections work', async () => {
    const client = await WireClient.open(server.port);
    client.send(message('Q', 'COPY notes FROM STDIN'));
    await client.next('G');
    client.send(message('d', [...Buffer.from('20\thalf\n')]));
    client.destroy();
    const next = await connect();
    expect(await count(next)).toBe(1);
  });

  it('a client that leaves in the middle of Parse/Bind/Execute leaves no error behind', async () => {
    const client = await WireClient.open(server.port);
    // Parse fails (syntax error), so PGlite skips everything up to a Sync that never comes.
    client.send(parse('SELEC broken'), flush());
    expect((await client.next('E')).toString()).toMatch(/syntax error/);
    client.destroy();
    const next = await connect();
    expect(await count(next)).toBe(1);
  });

  it('lets every connection prepare a statement under the same name', async () => {
    const named = {
      name: 'notes_after',
      text: 'SELECT count(*)::int AS n FROM notes WHERE id > $1',
    };
    const [first, second] = [await connect(), await connect()];
    const countAfter = async (client: Client, id: number) =>
      (await client.query<{ n: number }>({ ...named, values: [id] })).rows[0]?.n;
    expect(await countAfter(first, 0)).toBe(1);
    // Named by each connection for itself: PGlite's one session holds both, under names of their own.
    expect(await countAfter(second, 0)).toBe(1);
    expect(await countAfter(first, 3)).toBe(0);
    await first.end();
    const third = await connect();
    expect(await countAfter(third, 2)).toBe(1);
    // Each connection has names of its own, as on PostgreSQL: another text under the same name.
    const other = await connect();
    expect((await other.query({ name: named.name, text: 'SELECT 2 AS n' })).rows).toEqual([
      { n: 2 },
    ]);
    expect(await countAfter(third, 2)).toBe(1);
  });

  it.each([
    ['an unknown message type', message('x', [1, 2, 3])],
    ['a password message after start-up', message('p', 'secret')],
    ['a message shorter than its header', Buffer.from([0x51, 0, 0, 0, 2])],
  ])('answers %s with a FATAL protocol error, and later connections work', async (_, bad) => {
    const client = await WireClient.open(server.port);
    client.send(bad);
    expect((await client.next('E')).toString()).toMatch(/FATAL[\s\S]*08P01/);
    client.destroy();
    expect(await count(await connect())).toBe(1);
  });
});

/** A frontend message: type byte, length, body. */
function message(type: string, ...parts: Array<string | number[] | Buffer>): Buffer {
  const body = Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(`${part}\0`) : Buffer.from(part))),
  );
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
const parse = (sql: string) => message('P', '', sql, [0, 0]);
const bind = () => message('B', '', '', [0, 0, 0, 0, 0, 0]);
const execute = () => message('E', '', [0, 0, 0, 0]);
const sync = () => message('S');
const flush = () => message('H');
/** The first column of a DataRow, as text. */
const textOf = (row: Buffer) => row.subarray(6, 6 + row.readInt32BE(2)).toString('utf8');

/** Just enough of the PostgreSQL wire protocol to send messages one by one and await answers. */
class WireClient {
  private buffer = Buffer.alloc(0);
  private readonly received: Array<{ type: string; body: Buffer }> = [];
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1)) {
        const length = 1 + this.buffer.readInt32BE(1);
        this.received.push({
          type: String.fromCharCode(this.buffer[0] ?? 0),
          body: this.buffer.subarray(5, length),
        });
        this.buffer = this.buffer.subarray(length);
      }
      this.waiting?.();
    });
  }

  static async open(port: number): Promise<WireClient> {
    const socket = createConnection({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    const client = new WireClient(socket);
    const startup = Buffer.from(
      '\0\0\0\0\0\x03\0\0user\0postgres\0database\0postgres\0\0',
      'latin1',
    );
    startup.writeInt32BE(startup.length, 0);
    socket.write(startup);
    await client.next('Z');
    return client;
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** The body of the next message of this type (earlier ones of other types are dropped). */
  async next(type: string): Promise<Buffer> {
    for (;;) {
      const index = this.received.findIndex((m) => m.type === type);
      if (index >= 0) {
        const [found] = this.received.splice(0, index + 1).slice(-1);
        if (found) return found.body;
      }
      if (this.received.some((m) => m.type === 'E'))
        throw new Error(
          `error from the server: ${this.received.find((m) => m.type === 'E')?.body.toString()}`,
        );
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  end(): void {
    this.socket.end(message('X'));
  }

  /** Gone without a Terminate, as a killed client. */
  destroy(): void {
    this.socket.destroy();
  }
}
